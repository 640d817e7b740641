import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Proxies and TLS, with the built binary, the mock and a real tinyproxy", .serialized, .timeLimit(.minutes(10)))
struct NetworkTests {
    static let proxyUser = "fb-proxy-user"
    static let proxyPassword = "proxy-pw-S3CRET"

    /// Every secret a run of `rows` generated rows could leak, the proxy's password included.
    static func secrets(rows: Int) -> [String] {
        MockHarness.secrets(rows: rows) + [proxyPassword]
    }

    /// Expects none of `secrets` in `texts`.
    static func expectNoSecret(_ texts: [String], rows: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            for secret in secrets(rows: rows) {
                #expect(!text.contains(secret), "a secret leaked: \(secret)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The files a run leaves beside its results: the results and the journal (which must be there,
    /// or the secret sweep would check nothing), and the undo results when undo ran.
    static func files(_ harness: MockHarness) throws -> [String] {
        var files = [
            try harness.directory.read("in.results.csv"), try harness.directory.read("in.results.csv.journal"),
        ]
        if let undo = try? harness.directory.read("in.results.undo.csv") { files.append(undo) }
        return files
    }

    /// Runs `body` with a mock serving HTTPS with a certificate signed by a fresh test authority.
    static func withTLSMock(
        _ configure: @escaping (inout MockConfiguration) -> Void = { _ in },
        _ body: (MockHarness, TestCertificates) async throws -> Void
    ) async throws {
        let folder = try TemporaryDirectory()
        let certificates = try TestCertificates(in: folder)
        try await MockHarness.with({
            $0.tls = MockTLS(certificatePath: certificates.certificatePath, privateKeyPath: certificates.keyPath)
            configure(&$0)
        }) { harness in
            #expect(harness.mock.baseURL.hasPrefix("https://"))
            try await body(harness, certificates)
        }
    }

    // MARK: TLS

    @Test("over https, trusting the authority with --ca-file: a whole create, a resume after SIGKILL, and undo --yes")
    func createResumeUndoOverTLS() async throws {
        try await Self.withTLSMock({ $0.faults.latency = .milliseconds(10) }) { harness, certificates in
            let rows = 120
            let input = try harness.writeInput(rows: rows)
            let trust = ["--ca-file", certificates.authorityPath]
            let tool = try harness.start(input, trust + ["--concurrency", "4"])
            // Killed once some rows were created: waits on the mock's count, not on a clock.
            while harness.mock.stats().connections < 10 {
                try await Task.sleep(for: .milliseconds(2))
            }
            tool.send(SIGKILL)
            let killed = try await tool.wait(timeout: 60)
            #expect(killed.status == 128 + SIGKILL)
            #expect(harness.mock.stats().connections < rows)
            let resumed = try await harness.run(input, trust + ["--concurrency", "4"])
            #expect(resumed.status == 0, "\(resumed.allOutput)")
            #expect(resumed.stderr.contains("resuming from"))
            #expect(resumed.stderr.contains("also trusting the 1 certificate(s) of --ca-file"))
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: rows)
            #expect(harness.mock.stats().connections == rows)
            let results = harness.directory.file("in.results.csv")
            let undone = try await CommandLineTool.run(
                [
                    "undo", results, "--yes", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                ] + trust,
                environment: harness.environment
            )
            #expect(undone.status == 0, "\(undone.allOutput)")
            #expect(undone.stdout.contains("deleted \(rows)"))
            #expect(harness.mock.stats().connections == 0)
            Self.expectNoSecret(
                [killed.allOutput, resumed.allOutput, undone.allOutput] + (try Self.files(harness)),
                rows: rows
            )
        }
    }

    @Test(
        "a gateway that offers HTTP/2 by ALPN gets the same exactly-once run, in HTTP/1.1 by default and in HTTP/2 when allowed"
    )
    func serverOfferingHTTP2() async throws {
        try await Self.withTLSMock({
            $0.tls?.http2 = true
            $0.faults.ambiguousRate = 0.05
            $0.faults.seed = 7
        }) { harness, certificates in
            let input = try harness.writeInput(rows: 40)
            let trust = ["--ca-file", certificates.authorityPath, "--concurrency", "8"]
            let first = try await harness.run(input, trust + ["--limit", "20"])
            #expect(first.status == 0, "\(first.allOutput)")
            #expect(harness.mock.stats().connections == 20)
            // The rest over HTTP/2 (the bench's switch), resuming the same journal.
            let second = try await harness.run(input, trust, environment: ["FLOWBATCH_BENCH_HTTP2": "1"])
            #expect(second.status == 0, "\(second.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 40)
            #expect(harness.mock.stats().connections == 40)
            #expect(harness.mock.stats().duplicateNames.isEmpty)
        }
    }

    @Test(
        "SSL_CERT_FILE (or curl's CURL_CA_BUNDLE, or Python requests' REQUESTS_CA_BUNDLE) replaces the system trust store: the run trusts the authority it names",
        arguments: ["SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"]
    )
    func sslCertFile(variable: String) async throws {
        try await Self.withTLSMock { harness, certificates in
            let input = try harness.writeInput(rows: 6)
            let result = try await harness.run(input, environment: [variable: certificates.authorityPath])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(result.stderr.contains("trusting only the 1 certificate(s) of \(variable)"), "\(result.stderr)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 6)
            #expect(harness.mock.stats().connections == 6)
        }
    }

    @Test(
        "without the authority the run stops before creating anything, says the certificate is not trusted and names --ca-file"
    )
    func untrustedWithoutTheAuthority() async throws {
        try await Self.withTLSMock { harness, _ in
            let input = try harness.writeInput(rows: 4)
            let result = try await harness.run(input)
            // The first request (the token) fails before any file is written: a configuration error
            // (64), and no journal binds the same command with --ca-file.
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(result.stderr.contains("could not be verified (not trusted"))
            #expect(result.stderr.contains("--ca-file"))
            #expect(harness.mock.stats().total("POST /connections") == 0)
            #expect(!FileManager.default.fileExists(atPath: harness.directory.file("in.results.csv")))
            #expect(!FileManager.default.fileExists(atPath: harness.directory.file("in.results.csv.journal")))
        }
    }

    @Test(
        "an unreadable or non-PEM CA file is a usage error naming where it came from, before anything is sent",
        arguments: [
            ("--ca-file", "missing.pem", "the file cannot be read"),
            ("--ca-file", "not.pem", "not a PEM file of certificates"),
            ("SSL_CERT_FILE", "not.pem", "not a PEM file of certificates"),
        ]
    )
    func badCAFile(origin: String, file: String, reason: String) async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 2)
            try harness.directory.write("not.pem", "this is not a certificate\n")
            let path = harness.directory.file(file)
            let result =
                origin == "--ca-file"
                ? try await harness.run(input, ["--ca-file", path])
                : try await harness.run(input, environment: ["SSL_CERT_FILE": path])
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(result.stderr.contains("\(origin) \(path): \(reason)"))
            #expect(harness.mock.stats().requests.isEmpty)
        }
    }

    // MARK: Proxies

    @Test(
        "http_proxy with credentials: IMS and Platform requests go through tinyproxy, and the note names it without the password"
    )
    func throughTheProxy() async throws {
        try await MockHarness.with { harness in
            let proxy = try await Tinyproxy(
                directory: harness.directory,
                connectPort: harness.mock.port,
                credentials: (Self.proxyUser, Self.proxyPassword)
            )
            defer { proxy.stop() }
            let input = try harness.writeInput(rows: 8)
            // IMS by name, Platform by address: two hosts, each with its own tunnels.
            let ims = "http://localhost:\(harness.mock.port)"
            let proxyURL = proxy.url(user: Self.proxyUser, password: Self.proxyPassword)
            let result = try await CommandLineTool.run(
                ["run", input, "--endpoint", harness.mock.flowServiceURL, "--ims-url", ims, "--progress", "none"],
                environment: harness.environment.merging(["http_proxy": proxyURL]) { $1 }
            )
            #expect(result.status == 0, "\(result.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 8)
            let tunnels = proxy.tunnels
            #expect(tunnels.contains("127.0.0.1:\(harness.mock.port)"), "\(proxy.log)")
            #expect(tunnels.contains("localhost:\(harness.mock.port)"), "\(proxy.log)")
            #expect(harness.mock.stats().total("POST /ims/token/v3") >= 1)
            #expect(
                result.stderr.contains(
                    "127.0.0.1:\(harness.mock.port) is reached through the proxy \(proxy.url()) (http_proxy)"
                )
            )
            #expect(
                result.stderr.contains(
                    "localhost:\(harness.mock.port) is reached through the proxy \(proxy.url()) (http_proxy)"
                )
            )
            // The dry run's look-ups go the same way.
            let before = proxy.tunnels.count
            let plan = try await CommandLineTool.run(
                [
                    "run", input, "--dry-run", "--endpoint", harness.mock.flowServiceURL, "--ims-url", ims, "--out",
                    harness.directory.file("plan.csv"),
                ],
                environment: harness.environment.merging(["http_proxy": proxyURL]) { $1 }
            )
            #expect(plan.status == 0, "\(plan.allOutput)")
            #expect(proxy.tunnels.count > before)
            Self.expectNoSecret([result.allOutput, plan.allOutput, proxy.log] + (try Self.files(harness)), rows: 8)
        }
    }

    @Test("NO_PROXY decides per host: 127.0.0.1 goes direct, the proxy sees only the other host")
    func noProxy() async throws {
        try await MockHarness.with { harness in
            let proxy = try await Tinyproxy(directory: harness.directory, connectPort: harness.mock.port)
            defer { proxy.stop() }
            let input = try harness.writeInput(rows: 6)
            let direct = try await harness.run(
                input,
                environment: ["http_proxy": proxy.url(), "NO_PROXY": "127.0.0.1"]
            )
            #expect(direct.status == 0, "\(direct.allOutput)")
            #expect(direct.stderr.contains("127.0.0.1:\(harness.mock.port) is reached directly (NO_PROXY)"))
            #expect(proxy.tunnels.isEmpty, "\(proxy.log)")
            #expect(harness.mock.stats().connections == 6)
            // IMS by name goes direct; Platform by address goes through the proxy.
            let ims = "http://localhost:\(harness.mock.port)"
            let mixed = try await CommandLineTool.run(
                [
                    "run", input, "--out", harness.directory.file("mixed.results.csv"), "--if-exists", "create",
                    "--endpoint", harness.mock.flowServiceURL, "--ims-url", ims, "--progress", "none",
                ],
                environment: harness.environment.merging(["http_proxy": proxy.url(), "no_proxy": ".localhost"]) { $1 }
            )
            #expect(mixed.status == 0, "\(mixed.allOutput)")
            #expect(!proxy.tunnels.isEmpty)
            #expect(proxy.tunnels.allSatisfy { $0 == "127.0.0.1:\(harness.mock.port)" }, "\(proxy.tunnels)")
            #expect(harness.mock.stats().connections == 12)
        }
    }

    @Test(
        "HTTPS_PROXY over TLS: CONNECT tunnels through tinyproxy, the certificate still verified; undo goes the same way"
    )
    func tlsThroughTheProxy() async throws {
        try await Self.withTLSMock { harness, certificates in
            let proxy = try await Tinyproxy(directory: harness.directory, connectPort: harness.mock.port)
            defer { proxy.stop() }
            let input = try harness.writeInput(rows: 6)
            let environment = ["HTTPS_PROXY": proxy.url()]
            let trust = ["--ca-file", certificates.authorityPath]
            let result = try await harness.run(input, trust, environment: environment)
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(result.stderr.contains("is reached through the proxy \(proxy.url()) (HTTPS_PROXY)"))
            #expect(proxy.tunnels.contains("127.0.0.1:\(harness.mock.port)"), "\(proxy.log)")
            #expect(harness.mock.stats().connections == 6)
            let tunnels = proxy.tunnels.count
            let undone = try await CommandLineTool.run(
                [
                    "undo", harness.directory.file("in.results.csv"), "--yes", "--endpoint",
                    harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL,
                ] + trust,
                environment: harness.environment.merging(environment) { $1 }
            )
            #expect(undone.status == 0, "\(undone.allOutput)")
            #expect(proxy.tunnels.count > tunnels)
            #expect(harness.mock.stats().connections == 0)
        }
    }

    @Test(
        "a malformed proxy variable is a usage error naming it, before anything is sent, without echoing a password",
        arguments: [
            ("HTTPS_PROXY", "http://user:\(proxyPassword)@proxy.example.com:notaport"),
            ("http_proxy", "socks5://proxy.example.com:1080"),
            ("ALL_PROXY", "http://:3128"),
            ("NO_PROXY", "10.0.0.0/99"),
        ]
    )
    func malformedProxyVariable(variable: String, value: String) async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 2)
            let result = try await harness.run(input, environment: [variable: value])
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(result.stderr.contains("error: \(variable) "))
            #expect(harness.mock.stats().requests.isEmpty)
            Self.expectNoSecret([result.allOutput], rows: 2)
        }
    }

    // MARK: The mock over TLS

    @Test(
        "flowbatch mock --tls-cert --tls-key serves https: it says so, and a run that trusts the authority creates every row"
    )
    func mockCommandServesTLS() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try TestCertificates(in: directory)
        let mock = try CommandLineTool.start(
            ["mock", "--port", "0", "--tls-cert", certificates.certificatePath, "--tls-key", certificates.keyPath]
        )
        while !mock.stdoutSoFar().contains("\n") {
            try await Task.sleep(for: .milliseconds(10))
        }
        let line = mock.stdoutSoFar()
        let match = try #require(line.wholeMatch(of: /listening on (https:\/\/127\.0\.0\.1:\d+)\n/), "\(line)")
        let base = String(match.1)
        let input = try directory.write(
            "in.csv",
            "name,host,username,password\nTLS row,https://h.example.com,u,p-S3CRET\n"
        )
        let result = try await CommandLineTool.run(
            [
                "run", input, "--endpoint", base + "/data/foundation/flowservice", "--ims-url", base, "--ca-file",
                certificates.authorityPath, "--progress", "none",
            ],
            environment: [
                "AEP_CLIENT_ID": "flowbatch-demo", "AEP_CLIENT_SECRET": "flowbatch-demo-secret",
                "AEP_ORG_ID": "DEMO0000000000000000@AdobeOrg", "XDG_CONFIG_HOME": directory.file("config"),
            ]
        )
        #expect(result.status == 0, "\(result.allOutput)")
        #expect(SimpleCSV.records(try directory.read("in.results.csv")).map { $0["status"] } == ["created"])
        mock.send(SIGTERM)
        let ended = try await mock.wait(timeout: 60)
        #expect(ended.status == 0, "\(ended.allOutput)")
    }

    @Test("flowbatch mock refuses --tls-cert without --tls-key, and a key that is not PEM, naming the option")
    func mockCommandTLSUsageErrors() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try TestCertificates(in: directory)
        let alone = try await CommandLineTool.run(["mock", "--port", "0", "--tls-cert", certificates.certificatePath])
        #expect(alone.status == 64)
        #expect(alone.stderr.contains("--tls-cert and --tls-key go together"))
        let notPEM = try directory.write("key.txt", "not a key\n")
        let bad = try await CommandLineTool.run([
            "mock", "--port", "0", "--tls-cert", certificates.certificatePath, "--tls-key", notPEM,
        ])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--tls-key: '\(notPEM)' cannot be read as a PEM file."))
        #expect(bad.stdout.isEmpty)
    }
}
