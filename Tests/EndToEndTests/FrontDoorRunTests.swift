import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// What a person meets first: a mistyped sandbox, an `--out` that would destroy the input, a re-run,
/// the summary, a double Ctrl-C. The built binary against the mock.
@Suite("the front door of flowbatch run", .serialized, .timeLimit(.minutes(5)))
struct FrontDoorRunTests {
    @Test("a sandbox that does not exist fails its own rows after one request; the other sandboxes' rows are created")
    func missingSandboxFailsOnlyItsRows() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                """
                name,sandbox,host,username,password
                A,prod,https://a.example.com,u,pw-a-S3CRET
                B,nosuch,https://b.example.com,u,pw-b-S3CRET
                C,dev,https://c.example.com,u,pw-c-S3CRET
                D,nosuch,https://d.example.com,u,pw-d-S3CRET
                E,,https://e.example.com,u,pw-e-S3CRET

                """
            )
            let result = try await harness.run(input)
            #expect(result.status == 1, "\(result.allOutput)")
            let rows = try harness.results(harness.directory.file("in.results.csv"))
            #expect(rows.map { $0["status"]! } == ["created", "failed", "created", "failed", "created"])
            for row in rows where row["sandbox"] == "nosuch" {
                #expect(row["error_code"] == "FLOW-2100-404")
                #expect(row["error"]?.contains("sandbox 'nosuch' does not exist") == true, "\(row)")
                #expect(row["attempts"] == "0")
            }
            let stats = harness.mock.stats()
            #expect(stats.count("GET /connections", status: "404") == 1)
            #expect(stats.count("POST /connections", status: "404") == 0)
            #expect(stats.connections == 3)
            #expect(result.stdout.contains("FLOW-2100-404 ×2"), "\(result.stdout)")
        }
    }

    @Test("a --sandbox typo stops the run with every row not-run and the reason; the corrected command just runs")
    func sandboxTypoBindsNoJournal() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 4)
            let typo = try await harness.run(input, ["--sandbox", "staging"])
            #expect(typo.status == 2, "\(typo.allOutput)")
            let rows = try harness.results(harness.directory.file("in.results.csv"))
            #expect(rows.count == 4)
            #expect(
                rows.allSatisfy { $0["status"] == "not-run" && $0["error"]?.contains("sandbox 'staging'") == true },
                "\(rows)"
            )
            #expect(harness.mock.stats().connections == 0)

            let fixed = try await harness.run(input, ["--sandbox", "prod"])
            #expect(fixed.status == 0, "\(fixed.allOutput)")
            #expect(fixed.stderr.contains("created no connection"), "\(fixed.stderr)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 4)
        }
    }

    @Test(
        "an --out that is the input, a link to it, another spelling of it, or a directory exits 64 before anything is sent",
        arguments: ["in.csv", "./sub/../in.csv", "link.csv", "sub", "sub/", "in.csv.journal-is-here"]
    )
    func outThatWouldDestroyTheInput(out: String) async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            let original = try String(contentsOfFile: input, encoding: .utf8)
            try FileManager.default.createDirectory(
                atPath: harness.directory.file("sub"),
                withIntermediateDirectories: true
            )
            try FileManager.default.createSymbolicLink(
                atPath: harness.directory.file("link.csv"),
                withDestinationPath: input
            )
            var path = harness.directory.file(out)
            if out == "in.csv.journal-is-here" {
                // The journal beside --out would be the input: `<out>.journal` == in.csv.
                let shadow = harness.directory.file("x.csv")
                try original.write(toFile: shadow, atomically: true, encoding: .utf8)
                try FileManager.default.moveItem(atPath: shadow, toPath: harness.directory.file("r.csv.journal"))
                let result = try await harness.run(
                    harness.directory.file("r.csv.journal"),
                    ["--out", harness.directory.file("r.csv")]
                )
                #expect(result.status == 64, "\(result.allOutput)")
                #expect(result.stderr.contains("is the input file itself"), "\(result.stderr)")
                #expect(harness.mock.stats().total("POST /connections") == 0)
                return
            }
            if out.hasSuffix("/") { path += "/" }
            let result = try await harness.run(input, ["--out", path])
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(
                result.stderr.contains(
                    out.hasPrefix("sub") && !out.contains("..") ? "is a directory" : "is the input file itself"
                ),
                "\(result.stderr)"
            )
            #expect(try String(contentsOfFile: input, encoding: .utf8) == original)
            #expect(harness.mock.stats().total("POST /connections") == 0)
            #expect(harness.mock.stats().total("GET /connections") == 0)
            let left = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
            #expect(
                !left.contains { $0.contains("journal") || $0.hasSuffix(".tmp") || $0.contains("results") },
                "\(left)"
            )
        }
    }

    @Test("--summary-json naming the input exits 64 and leaves it alone")
    func summaryJSONThatIsTheInput() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 2)
            let original = try String(contentsOfFile: input, encoding: .utf8)
            let result = try await harness.run(input, ["--summary-json", input])
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(try String(contentsOfFile: input, encoding: .utf8) == original)
            #expect(harness.mock.stats().connections == 0)
        }
    }

    @Test("a re-run that sends nothing says how many were created now and how many earlier")
    func rerunSaysEarlier() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 4)
            let first = try await harness.run(input)
            #expect(first.status == 0, "\(first.allOutput)")
            #expect(first.stdout.contains("created  4\n"), "\(first.stdout)")
            let again = try await harness.run(input, ["--summary-json", harness.directory.file("s.json")])
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(again.stdout.contains("created  0 now, 4 earlier"), "\(again.stdout)")
            let summary =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: harness.directory.file("s.json")))
                ) as? [String: Any]
            #expect((summary?["earlier"] as? [String: Int])?["created"] == 4)
            #expect(harness.mock.stats().total("POST /connections") == 4)
        }
    }

    @Test("the most common errors are grouped by code and field, each with its own message")
    func errorsGroupedByCodeAndField() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                """
                name,host,username,password
                A,https://a.example.com,u,
                B,https://b.example.com,u,
                C,,u,pw-c-S3CRET
                D,https://d.example.com,u,pw-d-S3CRET

                """
            )
            let result = try await harness.run(input)
            #expect(result.status == 1, "\(result.allOutput)")
            let lines = result.stdout.split(separator: "\n").filter { $0.contains("missing-field") }
            #expect(lines.count == 2, "\(result.stdout)")
            #expect(lines.contains { $0.contains("(password) ×2") && $0.contains("password") }, "\(lines)")
            #expect(lines.contains { $0.contains("(host) ×1") && $0.contains("host") }, "\(lines)")
        }
    }

    @Test("--dry-run prints its notes on stderr and its summary JSON names no file it does not write")
    func dryRunNotesOnStderr() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            let summaryPath = harness.directory.file("s.json")
            let result = try await CommandLineTool.run(
                ["run", input, "--dry-run", "--summary-json", summaryPath],
                environment: ["XDG_CONFIG_HOME": harness.directory.file("config")]
            )
            #expect(!result.stdout.contains("note:"), "\(result.stdout)")
            #expect(result.stderr.contains("note: no Platform credentials given"), "\(result.stderr)")
            let summary =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
                as? [String: Any]
            #expect(summary?["rows"] as? Int == 3)
            #expect(!(summary?["resultsPath"] is String), "\(summary ?? [:])")
            #expect(!(summary?["journalPath"] is String), "\(summary ?? [:])")
            #expect(!FileManager.default.fileExists(atPath: harness.directory.file("in.results.csv")))
        }
    }

    @Test("--dry-run prints the same row warnings as the run")
    func dryRunWarnsLikeTheRun() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password\n  Spaced  ,https://a.example.com,u,p1-S3CRET\nPlain,https://b.example.com,u,p2-S3CRET\n"
            )
            func warnings(_ result: ToolResult) -> [Substring] {
                result.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: row") }
            }
            let plan = try await harness.run(input, ["--dry-run"])
            #expect(plan.status == 0, "\(plan.allOutput)")
            let run = try await harness.run(input)
            #expect(run.status == 0, "\(run.allOutput)")
            #expect(warnings(run) == ["warning: row 2: name: spaces around the value were removed"], "\(run.stderr)")
            #expect(warnings(plan) == warnings(run), "\(plan.stderr)")
        }
    }

    @Test(
        "a second Ctrl-C quits at once and leaves no temporary results file; one a killed run left is removed by the next run"
    )
    func noTemporaryFileLeftBehind() async throws {
        try await MockHarness.with({ $0.faults.latency = .milliseconds(200) }) { harness in
            let input = try harness.writeInput(rows: 200)
            func leftovers() throws -> [String] {
                try FileManager.default.contentsOfDirectory(atPath: harness.directory.path).filter {
                    $0.hasSuffix(".tmp")
                }
            }
            let running = try harness.start(input, ["--concurrency", "2"])
            try await waitUntil { harness.mock.stats().connections >= 2 }
            #expect(try leftovers().count == 1)
            running.send(SIGINT)
            try await waitUntil { running.stderrSoFar().contains("stopping:") }
            running.send(SIGINT)
            let stopped = try await running.wait()
            #expect(stopped.status == 130, "\(stopped.allOutput)")
            #expect(try leftovers().isEmpty)

            let killed = try harness.start(input, ["--concurrency", "2"])
            let before = harness.mock.stats().connections
            try await waitUntil { harness.mock.stats().connections >= before + 2 }
            killed.send(SIGKILL)
            _ = try await killed.wait()
            #expect(try leftovers().count == 1)
            try harness.mock.updateFaults { $0.latency = .zero }
            let resumed = try await harness.run(input)
            #expect(resumed.status == 0, "\(resumed.allOutput)")
            #expect(try leftovers().isEmpty)
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 200)
        }
    }

    @Test("--version prints the version")
    func version() async throws {
        let result = try await CommandLineTool.run(["--version"], environment: [:])
        #expect(result.status == 0)
        #expect(
            result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3,
            "\(result.stdout)"
        )
    }
}

@Suite("the progress line of flowbatch run, as a built binary", .serialized, .timeLimit(.minutes(5)))
struct ProgressBarTests {
    @Test(
        "with --progress bar every redraw fits 80 columns, and the listing of existing connections shows as its own phase"
    )
    func barFitsAndShowsTheListing() async throws {
        try await MockHarness.with({ $0.faults.latency = .milliseconds(60) }) { harness in
            // 9 pages of 100 at 60 ms each: the listing lasts longer than two redraws (250 ms apart).
            for index in 0..<900 { _ = harness.mock.insertConnection(name: "Existing \(index)") }
            let input = try harness.writeInput(rows: 60)
            let result = try await harness.run(
                input,
                ["--progress", "bar", "--concurrency", "4"],
                environment: ["COLUMNS": "80"]
            )
            #expect(result.status == 0, "\(result.allOutput)")
            let redraws = result.stderr.components(separatedBy: "\r\u{1B}[2K").dropFirst().map {
                $0.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            }
            #expect(redraws.count > 2, "\(result.stderr)")
            for line in redraws { #expect(line.count <= 79, "\(line)") }
            #expect(redraws.contains { $0.contains("listing existing connections in sandbox prod") }, "\(redraws)")
            #expect(redraws.contains { $0.contains("/60 rows") }, "\(redraws)")
        }
    }
}
