import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Credentials as Adobe hands them out, with the built binary", .serialized, .timeLimit(.minutes(10)))
struct CredentialsTests {
    /// The fixture's values: a Developer Console project JSON as downloaded.
    static let projectFixture = Repository.root + "/Tests/EndToEndTests/Resources/developer-console-project.json"
    static let projectClientID = "5f1e2d3c4b5a69788796a5b4c3d2e1f0"
    static let projectSecret = "p8e-FIXTURE-S3CRET-dGhpcyBpcyBub3QgcmVhbA"
    static let projectOrg = "A1B2C3D4E5F6A7B8C9D0E1F2@AdobeOrg"

    static let wrongSecret = "wrong-client-S3CRET"

    /// A config file only its owner can read, in a folder of its own (it holds a secret, so it is
    /// left out when the run's folder is searched for secrets).
    private static func writeConfig(
        _ json: String,
        in folder: TemporaryDirectory,
        name: String = "aepp.json"
    ) throws -> String {
        let path = try folder.write(name, json)
        chmod(path, 0o600)
        return path
    }

    /// aepp's config with upper-case keys and `client_secrets`.
    private static func aeppConfig(_ harness: MockHarness, secret: String = MockHarness.clientSecret) -> String {
        #"""
        {"ORG_ID": "\#(harness.mock.configuration.orgID)", "CLIENT_ID": "\#(harness.mock.configuration.clientID)",
         "CLIENT_SECRETS": ["\#(secret)"], "SCOPES": ["openid", "AdobeID", "read_organizations"], "Sandbox-Name": "prod"}
        """#
    }

    /// Only the journal key folder: every credential comes from the config file.
    private static func keyFolder(_ harness: MockHarness) -> [String: String] {
        ["XDG_CONFIG_HOME": harness.directory.file("config")]
    }

    /// Every file under `folder` but the input (which holds the rows' secrets), for checks that a
    /// secret is written nowhere else.
    private static func contentsOfEveryFile(under folder: String) -> [(String, Data)] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [(String, Data)] = []
        while let relative = walker.nextObject() as? String {
            let path = folder + "/" + relative
            var isDirectory: ObjCBool = false
            if relative != "in.csv", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
                !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            {
                files.append((relative, data))
            }
        }
        return files
    }

    private static func expectNowhere(
        _ secrets: [String],
        in results: [ToolResult],
        folder: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let files = contentsOfEveryFile(under: folder)
        for secret in secrets {
            for result in results {
                #expect(!result.allOutput.contains(secret), "output shows \(secret)", sourceLocation: sourceLocation)
            }
            for (name, data) in files {
                #expect(
                    data.range(of: Data(secret.utf8)) == nil,
                    "\(name) holds \(secret)",
                    sourceLocation: sourceLocation
                )
            }
        }
    }

    /// A loopback port that nothing listens on: bound, read and closed again.
    private static func closedPort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("an aepp config with upper-case keys and client_secrets creates the rows; its secret is shown nowhere")
    func aeppConfigCreatesRows() async throws {
        try await MockHarness.with { harness in
            let folder = try TemporaryDirectory()
            let config = try Self.writeConfig(Self.aeppConfig(harness), in: folder)
            let input = try harness.writeInput(rows: 6)
            let result = try await CommandLineTool.run(
                harness.runArguments(input, ["--config", config]),
                environment: Self.keyFolder(harness)
            )
            #expect(result.status == 0, "\(result.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 6)
            #expect(harness.mock.connections(sandbox: "prod").count == 6)
            #expect(!result.stderr.contains("overrides"))
            Self.expectNowhere(MockHarness.secrets(rows: 6), in: [result], folder: harness.directory.path)
        }
    }

    @Test("the Developer Console's project JSON, as downloaded, creates the rows")
    func projectJSONCreatesRows() async throws {
        let asTheFixture: (inout MockConfiguration) -> Void = { configuration in
            configuration.clientID = Self.projectClientID
            configuration.clientSecret = Self.projectSecret
            configuration.orgID = Self.projectOrg
        }
        try await MockHarness.with(asTheFixture) { harness in
            let folder = try TemporaryDirectory()
            let config = try Self.writeConfig(
                String(contentsOfFile: Self.projectFixture, encoding: .utf8),
                in: folder,
                name: "console.json"
            )
            let input = try harness.writeInput(rows: 4)
            let result = try await CommandLineTool.run(
                harness.runArguments(input, ["--config", config]),
                environment: Self.keyFolder(harness)
            )
            #expect(result.status == 0, "\(result.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 4)
            #expect(harness.mock.connections(sandbox: "prod").count == 4)
            Self.expectNowhere([Self.projectSecret], in: [result], folder: harness.directory.path)
        }
    }

    /// Where the wrong secret comes from, and how the message must name it.
    enum WrongSecretSource: String, CaseIterable, Sendable {
        case configFile = "the config file"
        case environmentVariable = "AEP_CLIENT_SECRET"
    }

    @Test(
        "a secret that IMS refuses at the start is exit 64 naming its source; no journal or results binds the corrected run",
        arguments: WrongSecretSource.allCases
    )
    func refusedSecret(_ source: WrongSecretSource) async throws {
        try await MockHarness.with { harness in
            let folder = try TemporaryDirectory()
            let input = try harness.writeInput(rows: 4)
            let wrong: ToolResult
            let configPath: String
            switch source {
            case .configFile:
                configPath = try Self.writeConfig(Self.aeppConfig(harness, secret: Self.wrongSecret), in: folder)
                wrong = try await CommandLineTool.run(
                    harness.runArguments(input, ["--config", configPath]),
                    environment: Self.keyFolder(harness)
                )
            case .environmentVariable:
                configPath = ""
                wrong = try await harness.run(input, environment: ["AEP_CLIENT_SECRET": Self.wrongSecret])
            }
            #expect(wrong.status == 64, "\(wrong.allOutput)")
            #expect(
                wrong.stderr.contains("IMS at \(harness.mock.baseURL) refused the client credentials (invalid_client"),
                "\(wrong.stderr)"
            )
            switch source {
            case .configFile:
                #expect(
                    wrong.stderr.contains(
                        "the client secret (from `CLIENT_SECRETS[0]` in the config file \(configPath))"
                    ),
                    "\(wrong.stderr)"
                )
                #expect(wrong.stderr.contains("the client ID (from `CLIENT_ID` in the config file \(configPath))"))
            case .environmentVariable:
                #expect(wrong.stderr.contains("the client secret (from AEP_CLIENT_SECRET)"), "\(wrong.stderr)")
                #expect(wrong.stderr.contains("the client ID (from AEP_CLIENT_ID)"))
            }
            #expect(!wrong.allOutput.contains("run again"))
            #expect(!harness.directory.exists("in.results.csv"))
            #expect(!harness.directory.exists("in.results.csv.journal"))
            #expect(harness.mock.stats().connections == 0)

            let corrected =
                source == .configFile
                ? try await CommandLineTool.run(
                    harness.runArguments(
                        input,
                        ["--config", try Self.writeConfig(Self.aeppConfig(harness), in: folder)]
                    ),
                    environment: Self.keyFolder(harness)
                )
                : try await harness.run(input)
            #expect(corrected.status == 0, "\(corrected.allOutput)")
            #expect(!corrected.stderr.contains("resuming"))
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 4)
            Self.expectNowhere(
                MockHarness.secrets(rows: 4) + [Self.wrongSecret],
                in: [wrong, corrected],
                folder: harness.directory.path
            )
        }
    }

    @Test("an IMS URL that does not answer like IMS is blamed on the URL and its source, exit 64, no files")
    func wrongIMSURL() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            let closed = "http://127.0.0.1:\(try Self.closedPort())"
            let refused = try await CommandLineTool.run(
                ["run", input, "--endpoint", harness.mock.flowServiceURL, "--ims-url", closed, "--progress", "none"],
                environment: harness.environment
            )
            #expect(refused.status == 64, "\(refused.allOutput)")
            #expect(
                refused.stderr.contains(
                    "could not get a token from IMS at \(closed) (from --ims-url): could not connect"
                ),
                "\(refused.stderr)"
            )
            #expect(refused.stderr.contains("check the IMS URL"))
            #expect(!refused.stderr.contains("client secret"))

            // The Flow Service's own address answers 404 with its JSON, not a token.
            let notIMS = try await CommandLineTool.run(
                ["run", input, "--endpoint", harness.mock.flowServiceURL, "--progress", "none"],
                environment: harness.environment.merging(["AEP_IMS_URL": harness.mock.flowServiceURL]) { $1 }
            )
            #expect(notIMS.status == 64, "\(notIMS.allOutput)")
            #expect(
                notIMS.stderr.contains(
                    "could not get a token from IMS at \(harness.mock.flowServiceURL) (from AEP_IMS_URL): HTTP 404"
                ),
                "\(notIMS.stderr)"
            )
            #expect(notIMS.stderr.contains("check the IMS URL"))
            #expect(!harness.directory.exists("in.results.csv"))
            #expect(!harness.directory.exists("in.results.csv.journal"))
            #expect(harness.mock.stats().connections == 0)
            Self.expectNowhere([MockHarness.clientSecret], in: [refused, notIMS], folder: harness.directory.path)
        }
    }

    @Test("an environment variable that overrides the config file says so, showing neither secret")
    func environmentOverrideNote() async throws {
        try await MockHarness.with { harness in
            let folder = try TemporaryDirectory()
            let config = try Self.writeConfig(Self.aeppConfig(harness, secret: Self.wrongSecret), in: folder)
            let input = try harness.writeInput(rows: 2)
            let result = try await CommandLineTool.run(
                harness.runArguments(input, ["--config", config]),
                environment: Self.keyFolder(harness).merging(["AEP_CLIENT_SECRET": MockHarness.clientSecret]) { $1 }
            )
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(
                result.stderr.contains(
                    "note: AEP_CLIENT_SECRET overrides `CLIENT_SECRETS[0]` of the config file \(config) (the two secrets differ)"
                ),
                "\(result.stderr)"
            )
            #expect(
                result.stderr.contains(
                    "note: Flow Service at \(harness.mock.flowServiceURL) (from --endpoint); IMS at \(harness.mock.baseURL) (from --ims-url)"
                )
            )
            Self.expectNowhere(
                MockHarness.secrets(rows: 2) + [Self.wrongSecret],
                in: [result],
                folder: harness.directory.path
            )
        }
    }

    @Test("undo and --dry-run with a secret IMS refuses: exit 64 naming the source, nothing written")
    func undoAndDryRunRefused() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 2)
            let created = try await harness.run(input)
            #expect(created.status == 0, "\(created.allOutput)")
            let results = harness.directory.file("in.results.csv")
            let journalBefore = try harness.directory.read("in.results.csv.journal")
            let wrongEnvironment = harness.environment.merging(["AEP_CLIENT_SECRET": Self.wrongSecret]) { $1 }
            let undo = try await CommandLineTool.run(
                [
                    "undo", results, "--yes", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                ],
                environment: wrongEnvironment
            )
            #expect(undo.status == 64, "\(undo.allOutput)")
            #expect(undo.stderr.contains("the client secret (from AEP_CLIENT_SECRET)"), "\(undo.stderr)")
            #expect(!harness.directory.exists("in.results.undo.csv"))
            #expect(!harness.directory.exists("in.results.undo.csv.journal"))
            #expect(try harness.directory.read("in.results.csv.journal") == journalBefore)
            #expect(harness.mock.connections(sandbox: nil).count == 2)

            let dryRun = try await harness.run(
                input,
                ["--dry-run"],
                environment: ["AEP_CLIENT_SECRET": Self.wrongSecret]
            )
            #expect(dryRun.status == 64, "\(dryRun.allOutput)")
            #expect(dryRun.stderr.contains("refused the client credentials (invalid_client"), "\(dryRun.stderr)")

            let undone = try await CommandLineTool.run(
                [
                    "undo", results, "--yes", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                ],
                environment: harness.environment
            )
            #expect(undone.status == 0, "\(undone.allOutput)")
            #expect(harness.mock.connections(sandbox: nil).isEmpty)
            Self.expectNowhere(
                MockHarness.secrets(rows: 2) + [Self.wrongSecret],
                in: [created, undo, dryRun, undone],
                folder: harness.directory.path
            )
        }
    }

    @Test("a config file without a secret says which file and which keys were looked at, not to pass --config")
    func missingSecretNamesTheFile() async throws {
        try await MockHarness.with { harness in
            let folder = try TemporaryDirectory()
            let config = try Self.writeConfig(
                #"{"org_id": "\#(harness.mock.configuration.orgID)", "client_id": "\#(harness.mock.configuration.clientID)"}"#,
                in: folder
            )
            let input = try harness.writeInput(rows: 2)
            let result = try await CommandLineTool.run(
                harness.runArguments(input, ["--config", config]),
                environment: Self.keyFolder(harness)
            )
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(
                result.stderr.contains(
                    "no client secret: AEP_CLIENT_SECRET is not set and the config file \(config) has none (looked for `secret`, `client_secret`, `client_secrets`)"
                ),
                "\(result.stderr)"
            )
            #expect(!result.stderr.contains("or pass --config"))
            #expect(!harness.directory.exists("in.results.csv"))
        }
    }
}
