import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Logging
import Testing

/// A real mock on a free loopback port, a scratch folder, and the environment that points the built
/// `flowbatch` binary at them.
struct MockHarness {
    let mock: RunningMock
    let directory: TemporaryDirectory

    /// The platform secret the runs use, to check that it appears nowhere.
    static let clientSecret = "harness-client-S3CRET"

    /// Starts the mock with `configure` applied, runs `body`, stops the mock.
    static func with(
        _ configure: (inout MockConfiguration) -> Void = { _ in },
        _ body: (MockHarness) async throws -> Void
    ) async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        configuration.clientSecret = clientSecret
        configure(&configuration)
        var logger = Logger(label: "test.mock")
        logger.logLevel = .critical
        let directory = try TemporaryDirectory()
        try await FlowServiceMock.withRunning(configuration, logger: logger) { mock in
            try await body(MockHarness(mock: mock, directory: directory))
        }
    }

    /// Credentials for the mock's IMS, and a private config folder for the journal key.
    var environment: [String: String] {
        [
            "AEP_CLIENT_ID": mock.configuration.clientID,
            "AEP_CLIENT_SECRET": Self.clientSecret,
            "AEP_ORG_ID": mock.configuration.orgID,
            "XDG_CONFIG_HOME": directory.file("config"),
        ]
    }

    /// `flowbatch run` arguments pointing at the mock.
    func runArguments(_ input: String, _ extra: [String] = []) -> [String] {
        ["run", input, "--endpoint", mock.flowServiceURL, "--ims-url", mock.baseURL, "--progress", "none"] + extra
    }

    /// Runs `flowbatch run` on `input` to the end.
    func run(
        _ input: String,
        _ extra: [String] = [],
        environment more: [String: String] = [:],
        timeout: Double = 180
    ) async throws -> ToolResult {
        try await CommandLineTool.run(
            runArguments(input, extra),
            environment: environment.merging(more) { $1 },
            timeout: timeout
        )
    }

    /// Starts `flowbatch run` on `input` without waiting.
    func start(_ input: String, _ extra: [String] = []) throws -> RunningTool {
        try CommandLineTool.start(runArguments(input, extra), environment: environment)
    }

    /// Writes an input file with a header and `rows` generated rows (mixed auth) and returns its path.
    func writeInput(
        _ name: String = "in.csv",
        rows: Int,
        sandbox: String? = nil,
        extra: (Int) -> String = { _ in "" }
    ) throws -> String {
        var text = "name,sandbox,auth,host,username,password,accessToken,refreshToken,clientSecret,ticket\n"
        for index in 0..<rows {
            let sandboxCell = sandbox ?? ""
            if index % 2 == 0 {
                text +=
                    "Row \(index),\(sandboxCell),basic,https://h\(index).example.com,u\(index),\(Self.password(index)),,,,T-\(index)\(extra(index))\n"
            } else {
                text +=
                    "Row \(index),\(sandboxCell),oauth2,https://h\(index).example.com,,,\(Self.token(index)),\(Self.refresh(index)),\(Self.rowClientSecret(index)),T-\(index)\(extra(index))\n"
            }
        }
        return try directory.write(name, text)
    }

    static func password(_ index: Int) -> String { "pw-\(index)-S3CRET" }
    static func token(_ index: Int) -> String { "at-\(index)-S3CRET" }
    static func refresh(_ index: Int) -> String { "rt-\(index)-S3CRET" }
    static func rowClientSecret(_ index: Int) -> String { "cs-\(index)-S3CRET" }

    /// Every secret of a generated input of `rows` rows, and the platform secret.
    static func secrets(rows: Int) -> [String] {
        (0..<rows).flatMap { index in
            index % 2 == 0 ? [password(index)] : [token(index), refresh(index), rowClientSecret(index)]
        } + [clientSecret]
    }

    /// The results file's rows.
    func results(_ path: String) throws -> [[String: String]] {
        SimpleCSV.records(try String(contentsOfFile: path, encoding: .utf8))
    }

    /// Checks the invariants of a finished run: one result per input row, every created or existing
    /// result ID held by the mock, one connection per name, and no duplicate names at all.
    func expectExactlyOnce(_ results: [[String: String]], rows: Int, sourceLocation: SourceLocation = #_sourceLocation)
    {
        #expect(results.count == rows, sourceLocation: sourceLocation)
        let connections = mock.connections(sandbox: nil)
        let byName = Dictionary(grouping: connections, by: { "\($0.sandbox)/\($0.name)" })
        #expect(
            mock.stats().duplicateNames.isEmpty,
            "duplicates: \(mock.stats().duplicateNames)",
            sourceLocation: sourceLocation
        )
        for result in results where result["status"] == "created" || result["status"] == "exists" {
            let key = "\(result["sandbox"] ?? "")/\(result["name"] ?? "")"
            #expect(
                byName[key]?.count == 1,
                "\(key) is held \(byName[key]?.count ?? 0) times",
                sourceLocation: sourceLocation
            )
            #expect(
                byName[key]?.first?.id == result["connection_id"],
                "\(key): result id differs from the mock's",
                sourceLocation: sourceLocation
            )
        }
    }
}

/// Waits, polling, until `condition` holds: an event, not a fixed time.
func waitUntil(_ condition: () throws -> Bool) async throws {
    for _ in 0..<6_000 {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("the condition never held within 60 s")
    throw CancellationError()
}
