import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// The conventions people expect of a command-line tool, as the built binary keeps them against the
/// mock: copyable settings from `flowbatch mock`, `-` for standard input, `--quiet`, `version`,
/// `AEP_CONFIG`, and Terraform's `--detailed-exitcode`.
@Suite("The conventions people expect, as a built binary against the mock", .serialized, .timeLimit(.minutes(10)))
struct ConventionsTests {
    @Test("flowbatch mock prints the exact variables to copy, and a run with just those works")
    func mockPrintsWhatToCopy() async throws {
        let mock = try CommandLineTool.start(["mock", "--port", "0"])
        defer { mock.send(SIGTERM) }
        try await waitUntil { mock.stderrSoFar().contains("(or pass --endpoint") }
        let printed = mock.stderrSoFar()
        var environment: [String: String] = [:]
        for line in printed.split(separator: "\n") where line.hasPrefix("  export ") {
            for assignment in line.dropFirst("  export ".count).split(separator: " ") {
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                environment[parts[0]] = parts[1]
            }
        }
        #expect(
            Set(environment.keys) == [
                "AEP_ENDPOINT", "AEP_IMS_URL", "AEP_CLIENT_ID", "AEP_CLIENT_SECRET", "AEP_ORG_ID",
            ]
        )
        #expect(mock.stdoutSoFar().split(separator: "\n").count == 1, "stdout stays one line: \(mock.stdoutSoFar())")
        let directory = try TemporaryDirectory()
        environment["XDG_CONFIG_HOME"] = directory.file("config")
        let input = try directory.write("in.csv", "name,host,username,password\nA,https://a.example.com,u,pw-S3CRET\n")
        let run = try await CommandLineTool.run(["run", input, "--progress", "none"], environment: environment)
        #expect(run.status == 0, "\(run.allOutput)")
        #expect(run.stdout.contains("created  1"), "\(run.stdout)")
    }

    @Test("a bare host as --endpoint that answers 404 gets 'did you mean …/data/foundation/flowservice'")
    func bareEndpoint() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 2)
            for extra in [[], ["--dry-run"]] {
                let result = try await CommandLineTool.run(
                    ["run", input, "--endpoint", harness.mock.baseURL, "--ims-url", harness.mock.baseURL]
                        + ["--progress", "none"] + extra,
                    environment: harness.environment
                )
                #expect(result.status != 0, "\(extra): \(result.allOutput)")
                #expect(
                    result.allOutput.contains("did you mean --endpoint \(harness.mock.flowServiceURL)?"),
                    "\(extra): \(result.allOutput)"
                )
            }
            #expect(harness.mock.stats().total("POST /connections") == 0)
        }
    }

    @Test("validate - reads standard input; run, undo and test say why they need a real file (exit 64)")
    func standardInput() async throws {
        let csv =
            "Title,,,\nname,host,username,password\nA,https://a.example.com,u,pw-S3CRET\nB,https://b.example.com,u,\n"
        let validate = try await CommandLineTool.run(["validate", "-", "--header-row", "2"], stdin: csv)
        #expect(validate.status == 1, "\(validate.allOutput)")
        #expect(validate.stdout.contains("row 4: password: empty; password is required"), "\(validate.stdout)")
        #expect(validate.stdout.contains("2 rows checked: 1 valid, 1 invalid"), "\(validate.stdout)")
        let json = try await CommandLineTool.run(["validate", "-"], stdin: "[{\"name\": \"A\"}]\n")
        #expect(json.status == 65, "\(json.allOutput)")
        #expect(json.stderr.contains("standard input: this is a JSON file"), "\(json.stderr)")
        let run = try await CommandLineTool.run(["run", "-"], stdin: csv)
        #expect(run.status == 64, "\(run.allOutput)")
        #expect(run.stderr.contains("run needs the input as a file, not standard input"), "\(run.stderr)")
        for command in ["undo", "test"] {
            let result = try await CommandLineTool.run([command, "-"], stdin: csv)
            #expect(result.status == 64, "\(command): \(result.allOutput)")
            #expect(result.stderr.contains("need the results file itself, not standard input"), "\(result.stderr)")
        }
    }

    @Test("check --input - reads the sandboxes of standard input")
    func checkReadsStandardInput() async throws {
        try await MockHarness.with { harness in
            let result = try await CommandLineTool.run(
                [
                    "check", "--input", "-", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                ],
                environment: harness.environment,
                stdin: "name,sandbox,host,username,password\nA,dev,https://a.example.com,u,pw-S3CRET\n"
            )
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(result.stdout.contains("sandbox dev: exists"), "\(result.stdout)")
            #expect(!result.stdout.contains("sandbox prod:"), "\(result.stdout)")
        }
    }

    @Test("--quiet prints only errors and the summary: no note, warning or progress")
    func quiet() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password,Owner\nA,http://a.example.com,u,pw-S3CRET,ann\nB,https://b.example.com,u,,bob\n"
            )
            let loud = try await harness.run(input, ["--progress", "log"])
            #expect(loud.stderr.contains("warning: row 2: host: http://"), "\(loud.stderr)")
            #expect(loud.stderr.contains("note: "), "\(loud.stderr)")
            let quiet = try await harness.run(input, ["--progress", "log", "--quiet"])
            #expect(quiet.status == 1, "\(quiet.allOutput)")
            #expect(!quiet.stderr.contains("note:") && !quiet.stderr.contains("warning:"), "\(quiet.stderr)")
            #expect(!quiet.stderr.contains("progress:"), "\(quiet.stderr)")
            #expect(quiet.stdout.contains("Most common errors:"), "\(quiet.stdout)")
            let validate = try await CommandLineTool.run(["validate", input, "-q"])
            #expect(validate.stderr.isEmpty, "\(validate.stderr)")
            #expect(validate.stdout.contains("row 3: password: empty"), "\(validate.stdout)")
        }
    }

    @Test("flowbatch version prints what --version prints")
    func versionCommand() async throws {
        let command = try await CommandLineTool.run(["version"])
        let flag = try await CommandLineTool.run(["--version"])
        #expect(command.status == 0 && flag.status == 0)
        #expect(command.stdout == flag.stdout && !command.stdout.isEmpty, "\(command.stdout) \(flag.stdout)")
    }

    @Test("AEP_CONFIG names the config file, as --config does")
    func aepConfigVariable() async throws {
        try await MockHarness.with { harness in
            let config = harness.directory.file("aepp.json")
            try Data(
                """
                {"org_id": "\(harness.mock.configuration.orgID)", "client_id": "\(harness.mock.configuration.clientID)",
                 "secret": "\(MockHarness.clientSecret)", "scopes": "openid"}
                """.utf8
            ).write(to: URL(fileURLWithPath: config))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config)
            let input = try harness.writeInput(rows: 2)
            let result = try await CommandLineTool.run(
                harness.runArguments(input),
                environment: ["AEP_CONFIG": config, "XDG_CONFIG_HOME": harness.directory.file("config")]
            )
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(harness.mock.connections(sandbox: nil).count == 2)
            #expect(!result.allOutput.contains(MockHarness.clientSecret))
            // A path from AEP_CONFIG is named as coming from there.
            let missing = try await CommandLineTool.run(
                harness.runArguments(input),
                environment: ["AEP_CONFIG": harness.directory.file("nope.json")]
            )
            #expect(missing.status == 64, "\(missing.allOutput)")
            #expect(
                missing.stderr.contains("AEP_CONFIG \(harness.directory.file("nope.json")): the file cannot be read")
            )
        }
    }

    @Test("--dry-run --detailed-exitcode: 2 with changes pending, 0 with none, 1 with an invalid row")
    func detailedExitCode() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            let pending = try await harness.run(input, ["--dry-run", "--detailed-exitcode"])
            #expect(pending.status == 2, "\(pending.allOutput)")
            #expect(try await harness.run(input).status == 0)
            let none = try await harness.run(input, ["--dry-run", "--detailed-exitcode"])
            #expect(none.status == 0, "\(none.allOutput)")
            let broken = try harness.directory.write(
                "broken.csv",
                "name,host,username,password\nNew,https://n.example.com,u,pw-S3CRET\nBad,https://b.example.com,u,\n"
            )
            let errors = try await harness.run(broken, ["--dry-run", "--detailed-exitcode"])
            #expect(errors.status == 1, "\(errors.allOutput)")
            let alone = try await harness.run(input, ["--detailed-exitcode"])
            #expect(alone.status == 64, "\(alone.allOutput)")
            #expect(alone.stderr.contains("--detailed-exitcode goes with --dry-run"), "\(alone.stderr)")
        }
    }
}
