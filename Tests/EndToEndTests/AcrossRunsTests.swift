import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// "Never twice, never orphaned, never leaked" across runs, files and outputs (issue 22), each item
/// with the built binary against the mock.
@Suite("the promise across runs, files and outputs, with the built binary", .timeLimit(.minutes(10)))
struct AcrossRunsTests {
    // MARK: 1. Two runs, one sandbox

    @Test("a second run into the same sandbox is refused at once with the first run's pid and results; nothing twice")
    func secondRunIntoTheSameSandboxIsRefused() async throws {
        try await MockHarness.with {
            $0.faults.latency = .milliseconds(200)
        } _: { harness in
            let input = try harness.writeInput(rows: 40)
            let first = try harness.start(input, ["--out", harness.directory.file("a.csv")])
            try await waitUntil { harness.mock.stats().total("POST /connections") > 0 }
            let second = try await harness.run(input, ["--out", harness.directory.file("b.csv")])
            #expect(second.status == 64, "\(second.allOutput)")
            #expect(second.stderr.contains("another flowbatch run (pid \(first.pid)"), "\(second.stderr)")
            #expect(second.stderr.contains(harness.directory.file("a.csv")), "\(second.stderr)")
            #expect(!FileManager.default.fileExists(atPath: harness.directory.file("b.csv.journal")))
            let done = try await first.wait(timeout: 120)
            #expect(done.status == 0, "\(done.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("a.csv")), rows: 40)
            // The lock went with the first run: the same command now just runs (and finds every name).
            let again = try await harness.run(input, ["--out", harness.directory.file("b.csv")])
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(try harness.results(harness.directory.file("b.csv")).allSatisfy { $0["status"] == "exists" })
        }
    }

    @Test("names another tool created meanwhile are reported at the end: summary, --summary-json duplicates, exit 1")
    func duplicatesMadeMeanwhileAreReported() async throws {
        try await MockHarness.with {
            $0.faults.latency = .milliseconds(50)
        } _: { harness in
            let input = try harness.writeInput(rows: 30)
            let summaryPath = harness.directory.file("summary.json")
            let run = try harness.start(input, ["--concurrency", "2", "--summary-json", summaryPath])
            try await waitUntil { harness.mock.stats().total("POST /connections") > 0 }
            // Another machine creates one of the file's names after this run listed the sandbox.
            let other = harness.mock.insertConnection(name: "Row 29")
            let result = try await run.wait(timeout: 120)
            #expect(result.status == 1, "\(result.allOutput)")
            #expect(result.stdout.contains("Duplicates: 1 name this run created is now held more than once"))
            #expect(result.stdout.contains("'Row 29' (sandbox prod, ×2)"), "\(result.stdout)")
            let summary = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
                    as? [String: Any]
            )
            let duplicates = try #require(summary["duplicates"] as? [[String: Any]])
            #expect(duplicates.count == 1)
            #expect(duplicates.first?["name"] as? String == "Row 29")
            #expect((duplicates.first?["connectionIds"] as? [String])?.contains(other.id) == true)
        }
    }

    // MARK: 2. The documented OR filter

    @Test("in a big sandbox the file's names are looked up as name==A,B,C and every one of them is found")
    func nameLookUpsFindEveryName() async throws {
        try await MockHarness.with { harness in
            for index in 0..<2_500 { harness.mock.insertConnection(name: "Existing \(index)") }
            let taken = (1...3).map { harness.mock.insertConnection(name: "Row \($0)") }
            let input = try harness.writeInput(rows: 5)
            let result = try await harness.run(input)
            #expect(result.status == 0, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            for (index, connection) in zip(1...3, taken) {
                let row = try #require(results.first { $0["name"] == "Row \(index)" })
                #expect(row["status"] == "exists", "\(row)")
                #expect(row["connection_id"] == connection.id)
            }
            #expect(results.filter { $0["status"] == "created" }.count == 2)
            #expect(harness.mock.stats().duplicateNames.isEmpty, "\(harness.mock.stats().duplicateNames)")
            // The first page, the count, one look-up of the five names; at the end one look-up again.
            #expect(harness.mock.stats().total("GET /connections") <= 6)
        }
    }

    // MARK: 3. Outputs against the input and each other

    @Test(
        "an output that is the journal, the results or the input, or a file flowbatch did not write, is refused before anything is sent",
        arguments: [
            ["--summary-json", "in.results.csv.journal"], ["--summary-json", "in.results.csv"],
            ["--summary-json", "in.csv"], ["--out", "in.csv"], ["--out", "notes.csv"],
            ["--summary-json", "other.results.csv.journal"],
        ]
    )
    func collidingOutputsAreRefused(_ option: [String]) async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            #expect(try await harness.run(input).status == 0)
            let journalBefore = try harness.directory.read("in.results.csv.journal")
            _ = try harness.directory.write("notes.csv", "my own notes\n")
            _ = try harness.directory.write("other.results.csv.journal", journalBefore)
            _ = try harness.writeInput(rows: 6)
            let result = try await harness.run(input, [option[0], harness.directory.file(option[1])])
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(result.stderr.contains(option[1]), "\(result.stderr)")
            #expect(harness.mock.stats().total("POST /connections") == 3)
            #expect(try harness.directory.read("in.results.csv.journal") == journalBefore)
            #expect(try harness.directory.read("notes.csv") == "my own notes\n")
        }
    }

    @Test("a journal overwritten by something else is never taken for one: the run refuses, and undo still deletes")
    func overwrittenJournalIsRefused() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 4)
            #expect(try await harness.run(input).status == 0)
            let journal = harness.directory.file("in.results.csv.journal")
            let saved = try harness.directory.read("in.results.csv.journal")
            _ = try harness.directory.write("in.results.csv.journal", #"{"rows":4,"counts":{"created":4}}"# + "\n")
            let rerun = try await harness.run(input)
            #expect(rerun.status == 64, "\(rerun.allOutput)")
            #expect(rerun.stderr.contains("is not a flowbatch journal"), "\(rerun.stderr)")
            #expect(harness.mock.stats().total("POST /connections") == 4)
            #expect(
                try harness.results(harness.directory.file("in.results.csv")).allSatisfy { $0["status"] == "created" }
            )
            try saved.write(toFile: journal, atomically: true, encoding: .utf8)
            let undo = try await CommandLineTool.run(
                ["undo", harness.directory.file("in.results.csv"), "--yes"] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(undo.status == 0, "\(undo.allOutput)")
            #expect(harness.mock.stats().connections == 0)
        }
    }

    @Test("export --out refuses a journal; test refuses to write its results over a file it did not write")
    func exportAndTestOutputsAreChecked() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 2)
            #expect(try await harness.run(input).status == 0)
            let export = try await CommandLineTool.run(
                ["export", "--out", harness.directory.file("in.results.csv.journal")] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(export.status == 64, "\(export.allOutput)")
            #expect(export.stderr.contains("is a flowbatch journal"), "\(export.stderr)")
            _ = try harness.directory.write("in.results.test.csv", "budget,2027\n")
            let test = try await CommandLineTool.run(
                ["test", harness.directory.file("in.results.csv")] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(test.status == 64, "\(test.allOutput)")
            #expect(harness.mock.stats().total("GET /connections/{id}/test") == 0)
            #expect(try harness.directory.read("in.results.test.csv") == "budget,2027\n")
        }
    }

    // MARK: 4. Links, devices, standard output, unwritable paths

    @Test("a linked --out and --summary-json are written through to their targets; the links stay links")
    func linksAreWrittenThrough() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            try FileManager.default.createDirectory(
                atPath: harness.directory.file("real"),
                withIntermediateDirectories: true
            )
            try FileManager.default.createSymbolicLink(
                atPath: harness.directory.file("out.csv"),
                withDestinationPath: "real/out.csv"
            )
            try FileManager.default.createSymbolicLink(
                atPath: harness.directory.file("summary.json"),
                withDestinationPath: harness.directory.file("real/summary.json")
            )
            let result = try await harness.run(
                input,
                ["--out", harness.directory.file("out.csv"), "--summary-json", harness.directory.file("summary.json")]
            )
            #expect(result.status == 0, "\(result.allOutput)")
            for link in ["out.csv", "summary.json"] {
                let kind = try FileManager.default.attributesOfItem(atPath: harness.directory.file(link))[.type]
                #expect(kind as? FileAttributeType == .typeSymbolicLink, "\(link) is no longer a link")
            }
            #expect(try harness.results(harness.directory.file("real/out.csv")).count == 3)
            #expect(try harness.directory.read("real/summary.json").contains(#""exitCode":0"#))
        }
    }

    @Test("--summary-json - writes the JSON to stdout and the summary text to stderr; a FIFO is written in place")
    func standardOutputAndFIFO() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            let dash = try await harness.run(input, ["--summary-json", "-"])
            #expect(dash.status == 0, "\(dash.allOutput)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(dash.stdout.utf8)) as? [String: Any])
            #expect(json["exitCode"] as? Int == 0)
            #expect(dash.stderr.contains("3 rows in"), "\(dash.stderr)")

            let fifo = harness.directory.file("summary.fifo")
            #expect(mkfifo(fifo, 0o600) == 0)
            // The read blocks until the run writes: off the cooperative pool, which every test shares.
            async let read = offPool { () throws -> String in
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: fifo))
                return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
            }
            let other = try harness.writeInput("other.csv", rows: 2)
            let piped = try await harness.run(other, ["--summary-json", fifo])
            #expect(piped.status == 0, "\(piped.allOutput)")
            #expect(try await read.contains(#""exitCode":0"#))
            var status = stat()
            #expect(lstat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO, "the FIFO was replaced")
        }
    }

    @Test("an output folder that takes no file fails before anything is sent (exit 64), not after every create")
    func unwritableOutputFailsFirst() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            let result = try await harness.run(input, ["--summary-json", "/proc/flowbatch-summary.json"])
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(result.stderr.contains("does not take new files"), "\(result.stderr)")
            #expect(harness.mock.stats().total("POST /connections") == 0)
            let export = try await CommandLineTool.run(
                ["export", "--out", "/proc/flowbatch-export.csv"] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(export.status == 64, "\(export.allOutput)")
        }
    }

    // MARK: 5. and 6. What an output created stays in its results

    @Test("rows removed from the sheet keep their connections in the results, after the input's rows; undo deletes all")
    func removedRowsStayInTheResults() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 20)
            #expect(try await harness.run(input).status == 0)
            let lines = try harness.directory.read("in.csv").split(separator: "\n", omittingEmptySubsequences: false)
            let kept = lines.enumerated().filter { ![3, 7, 8, 15, 20].contains($0.offset) }.map(\.element)
            _ = try harness.directory.write("in.csv", kept.joined(separator: "\n"))
            let rerun = try await harness.run(input)
            #expect(rerun.status == 0, "\(rerun.allOutput)")
            #expect(rerun.stdout.contains("15 rows in"), "\(rerun.stdout)")
            #expect(
                rerun.stdout.contains("5 connections this output created earlier belong to rows no longer in the input")
            )
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.count == 20)
            let gone = results.suffix(5)
            #expect(gone.map { $0["name"]! } == ["Row 2", "Row 6", "Row 7", "Row 14", "Row 19"])
            #expect(gone.allSatisfy { $0["status"] == "created" && $0["error_code"] == "not-in-input" })
            #expect(gone.first?["row"] == "4")
            let undo = try await CommandLineTool.run(
                ["undo", harness.directory.file("in.results.csv"), "--yes"] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(undo.status == 0, "\(undo.allOutput)")
            #expect(harness.mock.stats().connections == 0)
        }
    }

    @Test("--restart keeps what earlier runs of the output created: created, not exists, and undo deletes it")
    func restartKeepsWhatTheOutputCreated() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 10)
            #expect(try await harness.run(input).status == 0)
            let restarted = try await harness.run(input, ["--restart"])
            #expect(restarted.status == 0, "\(restarted.allOutput)")
            #expect(restarted.stderr.contains("--restart keeps the 10 connections"), "\(restarted.stderr)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.allSatisfy { $0["status"] == "created" }, "\(results.map { $0["status"] ?? "" })")
            #expect(harness.mock.stats().total("POST /connections") == 10)
            let undo = try await CommandLineTool.run(
                ["undo", harness.directory.file("in.results.csv"), "--yes"] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(undo.status == 0, "\(undo.allOutput)")
            #expect(harness.mock.stats().connections == 0)
        }
    }

    // MARK: 7. and 8. Guarded cells read back exactly

    @Test("a results name guarded with ' and joined back into the sheet is the same name: nothing created beside it")
    func guardedNamesReadBackExactly() async throws {
        try await MockHarness.with { harness in
            let name = #"=HYPERLINK("https://evil.example","open")"#
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password\n\(quoted),https://a.example.com,u,pw-S3CRET\n-minus,https://b.example.com,u,pw2-S3CRET\n"
            )
            #expect(try await harness.run(input).status == 0)
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["name"]! } == ["'" + name, "'-minus"])
            // The names as the results show them, joined back to the credentials.
            let guarded = "\"'" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let joined = try harness.directory.write(
                "joined.csv",
                "name,host,username,password\n\(guarded),https://a.example.com,u,pw-S3CRET\n'-minus,https://b.example.com,u,pw2-S3CRET\n"
            )
            let again = try await harness.run(joined, ["--out", harness.directory.file("joined.results.csv")])
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(again.stderr.contains("the leading ' (the guard flowbatch's results and exports put before"))
            #expect(harness.mock.stats().total("POST /connections") == 2)
            #expect(harness.mock.stats().duplicateNames.isEmpty)
            let rows = try harness.results(harness.directory.file("joined.results.csv"))
            #expect(rows.allSatisfy { $0["status"] == "exists" }, "\(rows)")
            let fedBack = try await CommandLineTool.run(
                ["validate", harness.directory.file("in.results.csv")],
                environment: harness.environment
            )
            #expect(fedBack.allOutput.contains("this is a flowbatch results file"), "\(fedBack.allOutput)")
        }
    }

    @Test("export guards formula cells; filled in and run with --if-exists update, the row updates the same connection")
    func exportGuardsFormulaCells() async throws {
        try await MockHarness.with { harness in
            let planted = harness.mock.insertConnection(name: "=cmd|' /C calc'!A0")
            let exported = try await CommandLineTool.run(
                ["export", "--out", harness.directory.file("export.csv")] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(exported.status == 0, "\(exported.allOutput)")
            let text = try harness.directory.read("export.csv")
            #expect(text.contains("\n'=cmd|"), "\(text)")
            let filled = text.replacingOccurrences(of: ",seeded,,", with: ",seeded,new-pw-S3CRET,")
            let input = try harness.directory.write("filled.csv", filled)
            let update = try await harness.run(input, ["--if-exists", "update"])
            #expect(update.status == 0, "\(update.allOutput)")
            let row = try #require(try harness.results(harness.directory.file("filled.results.csv")).first)
            #expect(row["status"] == "updated", "\(row)")
            #expect(row["connection_id"] == planted.id)
            #expect(harness.mock.stats().connections == 1)
        }
    }

    // MARK: 9. Secrets in URLs

    @Test("a token in a host's query string is masked in dry-run, results, journal, logs and export, and warned about")
    func queryStringSecretsAreMasked() async throws {
        try await MockHarness.with { harness in
            let token = "QS-TOKEN-S3CRET-42"
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password\nWith token,https://x.example.com/api?v=2&access_token=\(token),u,pw-S3CRET\n"
            )
            let dry = try await harness.run(input, ["--dry-run"])
            #expect(dry.allOutput.contains("access_token=***"), "\(dry.allOutput)")
            #expect(dry.allOutput.contains("credentials belong in the credential columns"))
            let run = try await harness.run(input, ["--log-level", "debug"])
            #expect(run.status == 0, "\(run.allOutput)")
            let exported = try await CommandLineTool.run(
                ["export"] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(exported.stdout.contains("access_token=***"), "\(exported.stdout)")
            for output in [dry, run, exported] { #expect(!output.allOutput.contains(token)) }
            for file in ["in.results.csv", "in.results.csv.journal"] {
                #expect(!(try harness.directory.read(file)).contains(token), "\(file)")
            }
            // Fed back as exported, the masked value is refused, not sent over the real one.
            let back = try harness.directory.write(
                "back.csv",
                exported.stdout.replacingOccurrences(of: ",u,,", with: ",u,pw-S3CRET,")
            )
            let update = try await harness.run(back, ["--if-exists", "update"])
            #expect(update.status == 1, "\(update.allOutput)")
            let refused = try #require(try harness.results(harness.directory.file("back.results.csv")).first)
            #expect(refused["status"] == "invalid" && refused["error"]?.contains("reads ***") == true, "\(refused)")
            #expect(harness.mock.connections(sandbox: "prod").first?.params["host"]?.contains(token) == true)
        }
    }

    // MARK: 10. add, not replace

    @Test("a description added to a row made without one is patched with add; FLOW-1445-400 stops the run (exit 2)")
    func descriptionIsAdded() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password\nBare,https://a.example.com,u,pw-S3CRET\n"
            )
            #expect(try await harness.run(input).status == 0)
            _ = try harness.directory.write(
                "in.csv",
                "name,description,host,username,password\nBare,now described,https://a.example.com,u,pw-S3CRET\n"
            )
            let update = try await harness.run(input, ["--if-exists", "update"])
            #expect(update.status == 0, "\(update.allOutput)")
            #expect(try harness.results(harness.directory.file("in.results.csv")).first?["status"] == "updated")
            #expect(harness.mock.connections(sandbox: "prod").first?.description == "now described")

            try harness.mock.updateFaults { $0.patchDisabled = true }
            _ = try harness.directory.write(
                "in.csv",
                "name,description,host,username,password\nBare,changed again,https://a.example.com,u,pw2-S3CRET\n"
            )
            let refused = try await harness.run(input, ["--if-exists", "update"])
            #expect(refused.status == 2, "\(refused.allOutput)")
            #expect(refused.stderr.contains("does not allow connections to be patched"), "\(refused.stderr)")
        }
    }

    // MARK: 11. undo needs its journal

    @Test("undo without the run's journal refuses unless --force; deletes nearly all 404 warn of the wrong service")
    func undoWithoutItsJournal() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 5)
            #expect(try await harness.run(input).status == 0)
            let results = harness.directory.file("in.results.csv")
            try FileManager.default.removeItem(atPath: results + ".journal")
            let refused = try await CommandLineTool.run(
                ["undo", results, "--yes"] + Self.platform(harness),
                environment: harness.environment
            )
            #expect(refused.status == 64, "\(refused.allOutput)")
            #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
            #expect(harness.mock.stats().total("DELETE /connections/{id}") == 0)
            // Another service (a second mock) that holds none of them: every DELETE is a 404.
            try await MockHarness.with { other in
                let wrong = try await CommandLineTool.run(
                    ["undo", results, "--yes", "--force"] + Self.platform(other),
                    environment: other.environment
                )
                #expect(wrong.status == 0, "\(wrong.allOutput)")
                #expect(wrong.stderr.contains("5 of 5 connections were already gone"), "\(wrong.stderr)")
                #expect(wrong.stderr.contains("is probably not the service"), "\(wrong.stderr)")
            }
            #expect(harness.mock.stats().connections == 5)
        }
    }

    static func platform(_ harness: MockHarness) -> [String] {
        ["--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL]
    }
}
