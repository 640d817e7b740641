import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Hardening: secrets, transport, hostile files and hostile answers", .serialized, .timeLimit(.minutes(10)))
struct HardeningTests {
    // MARK: Secrets

    @Test(
        "secrets given as flags are refused, before anything is read or sent",
        arguments: ["--client-secret", "--access-token", "--secret", "--token", "--password"]
    )
    func secretFlagsRefused(_ flag: String) async throws {
        let result = try await CommandLineTool.run(["run", Repository.sample("basic.csv"), flag, "flag-S3CRET"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("secrets are not accepted as flags"))
        #expect(!result.allOutput.contains("flag-S3CRET"))
    }

    @Test("a --config file other users can read gets a warning; its secret is never shown")
    func configPermissions() async throws {
        try await MockHarness.with { harness in
            let config = try harness.directory.write(
                "aepp.json",
                #"{"org_id": "\#(harness.mock.configuration.orgID)", "client_id": "\#(harness.mock.configuration.clientID)", "secret": "\#(MockHarness.clientSecret)", "scopes": "openid,AdobeID", "sandbox-name": "prod"}"#
            )
            chmod(config, 0o644)
            let input = try harness.writeInput(rows: 2)
            let open = try await CommandLineTool.run(
                harness.runArguments(input, ["--config", config]),
                environment: ["XDG_CONFIG_HOME": harness.directory.file("config")]
            )
            #expect(open.status == 0, "\(open.allOutput)")
            #expect(open.stderr.contains("can be read by other users (mode 644)"))
            #expect(open.stderr.contains("chmod 600"))
            chmod(config, 0o600)
            let closed = try await CommandLineTool.run(
                harness.runArguments(input, ["--config", config, "--out", harness.directory.file("second.csv")]),
                environment: ["XDG_CONFIG_HOME": harness.directory.file("config")]
            )
            #expect(closed.status == 0)
            #expect(!closed.stderr.contains("can be read by other users"))
            #expect(!(open.allOutput + closed.allOutput).contains(MockHarness.clientSecret))
        }
    }

    @Test("results and journal are created readable by their owner only")
    func fileModes() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 2)
            let old = umask(0)
            defer { umask(old) }
            #expect(try await harness.run(input).status == 0)
            for name in ["in.results.csv", "in.results.csv.journal"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: harness.directory.file(name))
                #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)")
            }
        }
    }

    // MARK: Transport

    @Test(
        "plain http to another machine is refused unless --allow-insecure-http",
        arguments: ["--endpoint", "--ims-url"]
    )
    func insecureHTTPRefused(_ option: String) async throws {
        let environment = ["AEP_ACCESS_TOKEN": "t-S3CRET", "AEP_ORG_ID": "O@AdobeOrg", "AEP_API_KEY": "k"]
        let refused = try await CommandLineTool.run(
            ["run", Repository.sample("basic.csv"), option, "http://platform.example.com"],
            environment: environment
        )
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("plain http to another machine"))
        #expect(refused.stderr.contains("--allow-insecure-http"))
        let allowed = try await CommandLineTool.run(
            [
                "run", Repository.sample("basic.csv"), option, "http://platform.example.com", "--allow-insecure-http",
                "--dry-run",
            ],
            environment: ["AEP_ORG_ID": "O@AdobeOrg"]
        )
        #expect(allowed.status == 0, "\(allowed.allOutput)")
    }

    @Test(
        "a server whose certificate is not trusted stops the run at its first request, before any file: nothing is sent in clear or retried"
    )
    func untrustedCertificate() async throws {
        let directory = try TemporaryDirectory()
        let server = try await HostileServer(mode: "tls", directory: directory)
        let result = try await CommandLineTool.run(
            [
                "run", Repository.sample("basic.csv"), "--endpoint",
                "https://127.0.0.1:\(server.port)/data/foundation/flowservice",
                "--out", directory.file("out.csv"), "--progress", "none",
            ],
            environment: [
                "AEP_ACCESS_TOKEN": "t-S3CRET", "AEP_ORG_ID": "O@AdobeOrg", "AEP_API_KEY": "k",
                "XDG_CONFIG_HOME": directory.path,
            ]
        )
        #expect(result.status == 64, "\(result.allOutput)")
        #expect(result.stderr.contains("TLS"))
        #expect(result.stderr.contains("always verifies certificates"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.csv")))
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.csv.journal")))
    }

    @Test("redirects are not followed: credentials stay with the endpoint that was asked for")
    func redirectsNotFollowed() async throws {
        let directory = try TemporaryDirectory()
        let server = try await HostileServer(mode: "redirect", directory: directory)
        let result = try await CommandLineTool.run(
            [
                "run", Repository.sample("basic.csv"), "--endpoint",
                "http://127.0.0.1:\(server.port)/data/foundation/flowservice",
                "--out", directory.file("out.csv"), "--progress", "none",
            ],
            environment: [
                "AEP_ACCESS_TOKEN": "t-S3CRET", "AEP_ORG_ID": "O@AdobeOrg", "AEP_API_KEY": "k",
                "XDG_CONFIG_HOME": directory.path,
            ]
        )
        // Found by the first request, before any file is written: the settings are wrong (64).
        #expect(result.status == 64, "\(result.allOutput)")
        #expect(result.stderr.contains("does not follow redirects"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.csv.journal")))
    }

    // MARK: Hostile input files

    @Test("hostile files give a clear row or file error with the right exit status", arguments: HostileFile.all)
    func hostileFiles(_ file: HostileFile) async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("in.csv", bytes: file.bytes())
        let result = try await CommandLineTool.run(["validate", path], timeout: 60)
        #expect(result.status == file.status, "\(file.name): \(result.allOutput.prefix(2000))")
        for expected in file.expected {
            #expect(
                result.allOutput.contains(expected),
                "\(file.name): missing '\(expected)' in \(result.allOutput.prefix(2000))"
            )
        }
        #expect(!result.allOutput.contains("Fatal error"))
    }

    @Test("names with commas, quotes, line breaks and non-Latin scripts reach the service and the results exactly")
    func namesRoundTrip() async throws {
        try await MockHarness.with { harness in
            let names = ["Acme, Inc.", "The \"Best\" CRM", "Two\nLines", "東京 データ", "Ελληνικά ✓", "=SUM(A1)", "@handle"]
            var text = "name,host,username,password\n"
            for (index, name) in names.enumerated() {
                text +=
                    "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\",https://h.example.com,u,p\(index)-S3CRET\n"
            }
            let input = try harness.directory.write("in.csv", text)
            #expect(try await harness.run(input).status == 0)
            let results = try harness.results(harness.directory.file("in.results.csv"))
            let expected = names.map { $0.first == "=" || $0.first == "@" ? "'" + $0 : $0 }
            #expect(results.map { $0["name"]! } == expected)
            #expect(Set(harness.mock.connections(sandbox: "prod").map(\.name)) == Set(names))
        }
    }

    // MARK: Hostile answers

    @Test(
        "each hostile answer becomes a precise outcome: created once, never duplicated, never a crash or hang",
        arguments: AnswerFault.allCases.filter { $0 != .echo400 }
    )
    func hostileAnswers(_ fault: AnswerFault) async throws {
        try await MockHarness.with({
            $0.faults.answerFaults = [fault: 0.3]
            $0.faults.seed = 9
            $0.faults.hugeBodyBytes = 4 << 20
            $0.faults.trickleInterval = .milliseconds(300)
        }) { harness in
            let input = try harness.writeInput(rows: 20)
            let result = try await harness.run(input, ["--timeout", "2", "--concurrency", "8"], timeout: 120)
            #expect(result.status == 0, "\(fault): \(result.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 20)
            #expect(harness.mock.stats().connections == 20)
            let posts = harness.mock.stats().total("POST /connections")
            #expect(posts >= 20)
            if !fault.creates {
                #expect(posts > 20, "\(fault) must have been retried")
            }
        }
    }
}

extension HardeningTests {
    @Test("a service that echoes the request back: row secrets and the token IMS issued are masked in every output")
    func echoedRequestIsMasked() async throws {
        try await MockHarness.with({
            $0.faults.answerFaults = [.echo400: 1]
            $0.faults.seed = 5
        }) { harness in
            let input = try harness.writeInput(rows: 6)
            let result = try await harness.run(
                input,
                ["--log-level", "trace", "--summary-json", harness.directory.file("summary.json")]
            )
            #expect(result.status == 1, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.count == 6)
            for row in results {
                #expect(row["status"] == "failed")
                #expect(row["error_code"] == "MOCK-4009-400")
                // The echo reached the results, masked: the proof that masking, not luck, kept them out.
                #expect(row["error"]!.contains("authorization 'Bearer ***'"), "\(row)")
            }
            let outputs = [
                result.stdout, result.stderr, try harness.directory.read("in.results.csv"),
                try harness.directory.read("in.results.csv.journal"), try harness.directory.read("summary.json"),
            ]
            for output in outputs {
                for secret in MockHarness.secrets(rows: 6) { #expect(!output.contains(secret), "\(secret) leaked") }
                for bearer in output.ranges(of: "Bearer ") {
                    #expect(output[bearer.upperBound...].hasPrefix("***"), "a token leaked")
                }
            }
        }
    }
}

/// A file given to `validate` on purpose to break it, with the exit status and messages expected.
struct HostileFile: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: @Sendable () -> [UInt8]
    var status: Int32
    var expected: [String]

    var testDescription: String { name }

    static let header = "name,host,username,password\n"

    static let all: [HostileFile] = [
        HostileFile(
            name: "a 5 MiB field",
            bytes: {
                Array(
                    (header + "A,https://a.example.com,u,\"" + String(repeating: "x", count: 5 << 20)
                        + "\"\nB,https://b.example.com,u,p\n").utf8
                )
            },
            status: 1,
            expected: ["row 2: password: the row is longer than 1 MiB", "2 rows checked: 1 valid, 1 invalid"]
        ),
        HostileFile(
            name: "a 3 MiB line without quotes",
            bytes: {
                Array((header + String(repeating: "y", count: 3 << 20) + "\nB,https://b.example.com,u,p\n").utf8)
            },
            status: 1,
            expected: ["row 2: name: the row is longer than 1 MiB", "1 valid"]
        ),
        HostileFile(
            name: "5,000 columns in the header",
            bytes: {
                let extra = (0..<5000).map { "c\($0)" }.joined(separator: ",")
                // One value per column: a row with fewer is ragged.
                let empties = String(repeating: ",", count: 5000)
                return Array(
                    ("name,host,username,password," + extra + "\nA,https://a.example.com,u,p" + empties + "\n").utf8
                )
            },
            status: 0,
            expected: ["1 row checked: 1 valid"]
        ),
        HostileFile(
            name: "20,000 values in a row",
            bytes: {
                Array((header + String(repeating: "v,", count: 20_000) + "\nB,https://b.example.com,u,p\n").utf8)
            },
            status: 1,
            expected: ["row 2: csv: the row has more than 10000 values", "1 valid, 1 invalid"]
        ),
        HostileFile(
            name: "a NUL byte in a value",
            bytes: {
                Array(header.utf8) + Array("A,https://a.example.com,u".utf8) + [0]
                    + Array(",p\nB,https://b.example.com,u,p\n".utf8)
            },
            status: 1,
            expected: ["row 2: username: a value contains a NUL byte", "1 valid, 1 invalid"]
        ),
        HostileFile(
            name: "control characters in a name",
            bytes: { Array((header + "A\u{7}B,https://a.example.com,u,p\n").utf8) },
            status: 1,
            expected: ["row 2: name: contains the control character U+0007"]
        ),
        HostileFile(
            name: "mixed line endings",
            bytes: {
                Array(
                    ("name,host,username,password\r\nA,https://a.example.com,u,p\rB,https://b.example.com,u,p\n\r\nC,nohost,u,p\r\n")
                        .utf8
                )
            },
            status: 1,
            expected: ["row 5: host: 'nohost' is not an absolute http(s) URL", "3 rows checked: 2 valid, 1 invalid"]
        ),
        HostileFile(
            name: "Windows-1252 data rows",
            bytes: { Array(header.utf8) + Array("Caf".utf8) + [0xE9] + Array(",https://a.example.com,u,p\n".utf8) },
            status: 65,
            expected: ["row 2 is not valid UTF-8; the file looks like Windows-1252", "--encoding windows-1252"]
        ),
        HostileFile(
            name: "a Windows-1252 header",
            bytes: { [0x4E, 0x61, 0x6D, 0xE9] + Array(",host\nA,https://a.example.com\n".utf8) },
            status: 65,
            expected: ["row 1 is not valid UTF-8; the file looks like Windows-1252 or Latin-1"]
        ),
        HostileFile(
            name: "UTF-16 with a byte-order mark",
            bytes: { [0xFF, 0xFE] + Array(header.utf8).flatMap { [$0, 0] } },
            status: 65,
            expected: ["the file is UTF-16 (it begins with a byte-order mark)", "--encoding utf-16"]
        ),
        HostileFile(
            name: "a gzip file given as CSV",
            bytes: {
                [
                    0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4B, 0x4C, 0x4A, 0x06, 0x00, 0xC2,
                    0x41, 0x24, 0x35, 0x03, 0x00, 0x00, 0x00,
                ]
            },
            status: 65,
            expected: ["row 1 is not valid UTF-8"]
        ),
        HostileFile(name: "an empty file", bytes: { [] }, status: 65, expected: ["the file is empty"]),
        HostileFile(
            name: "a header and nothing else",
            bytes: { Array(header.utf8) },
            status: 0,
            expected: ["0 rows checked", "the file has a header but no data rows"]
        ),
    ]
}
