import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Resume, graceful stop and undo, with the built binary", .serialized, .timeLimit(.minutes(10)))
struct ResumeTests {
    @Test(
        "killed with SIGKILL at several points of sending (the first attempt journaled, then a third and two thirds of the rows created), then run to the end: every row once, no duplicates",
        arguments: [1, 2, 3] as [UInt64]
    )
    func killNineAndResume(seed: UInt64) async throws {
        try await MockHarness.with({
            $0.faults.latency = .milliseconds(10)
            $0.faults.latencyJitter = .milliseconds(20)
            $0.faults.ambiguousRate = 0.03
            $0.faults.errorRate = 0.02
            $0.faults.seed = seed
        }) { harness in
            let rows = 300
            let input = try harness.writeInput(rows: rows)
            let journal = harness.directory.file("in.results.csv.journal")
            // Each kill waits on an event, not on a clock: the first is while the first requests are in
            // flight with none answered; the next two land in resumed runs, amid creates, retries and look-ups.
            let killPoints: [(name: String, reached: () -> Bool)] = [
                (
                    "first attempt journaled",
                    { (try? String(contentsOfFile: journal, encoding: .utf8))?.contains(#""event":"attempt""#) == true }
                ),
                ("a third created", { harness.mock.stats().connections >= rows / 3 }),
                ("two thirds created", { harness.mock.stats().connections >= rows * 2 / 3 }),
            ]
            var killed = 0
            for point in killPoints {
                let tool = try harness.start(input, ["--concurrency", "16"])
                try await waitUntil { point.reached() || !tool.isRunning }
                tool.send(SIGKILL)
                let ended = try await tool.wait(timeout: 30)
                // A run may finish between the event and the kill: then it ends as a finished run does.
                #expect(ended.status == 128 + SIGKILL || ended.status == 0, "\(point.name): \(ended.allOutput)")
                if ended.status == 128 + SIGKILL { killed += 1 }
            }
            #expect(killed > 0)
            let final = try await harness.run(input, ["--concurrency", "16"])
            #expect(final.status == 0, "\(final.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: rows)
            #expect(harness.mock.stats().connections == rows)
        }
    }

    @Test(
        "--if-exists create over names already there, killed with SIGKILL twice, then run to the end: one new connection a row, none there before taken for the row's"
    )
    func killNineAndResumeWithoutListing() async throws {
        try await MockHarness.with({
            $0.faults.latency = .milliseconds(10)
            $0.faults.latencyJitter = .milliseconds(20)
            $0.faults.ambiguousRate = 0.05
            $0.faults.seed = 11
        }) { harness in
            let rows = 200
            let before = Set((0..<rows).map { harness.mock.insertConnection(name: "Row \($0)").id })
            let input = try harness.writeInput(rows: rows)
            let arguments = ["--concurrency", "16", "--if-exists", "create"]
            var killed = 0
            for share in [3, 2] {
                let tool = try harness.start(input, arguments)
                try await waitUntil { harness.mock.stats().connections >= rows + rows / share || !tool.isRunning }
                tool.send(SIGKILL)
                let ended = try await tool.wait(timeout: 30)
                #expect(ended.status == 128 + SIGKILL || ended.status == 0, "\(ended.allOutput)")
                if ended.status == 128 + SIGKILL { killed += 1 }
            }
            #expect(killed > 0)
            let final = try await harness.run(input, arguments)
            #expect(final.status == 0, "\(final.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.count == rows)
            #expect(results.allSatisfy { $0["status"] == "created" })
            let recorded = Set(results.compactMap { $0["connection_id"] })
            #expect(recorded.count == rows)
            #expect(recorded.isDisjoint(with: before))
            #expect(harness.mock.stats().connections == rows * 2)
            for name in (0..<rows).map({ "Row \($0)" }) {
                #expect(harness.mock.connections(sandbox: nil).filter { $0.name == name }.count == 2, "\(name)")
            }
        }
    }

    @Test("write-ahead: when a create reaches the service, its attempt line is already in the journal")
    func attemptIsJournaledBeforeTheRequestArrives() async throws {
        try await MockHarness.with({ $0.faults.latency = .seconds(1) }) { harness in
            let input = try harness.writeInput(rows: 40)
            let tool = try harness.start(input, ["--concurrency", "8"])
            // The mock stores a connection when the POST arrives and answers 1 s later: whatever it
            // holds now was sent, and no answer has come back yet.
            var arrived: [MockConnection] = []
            for _ in 0..<5_000 where arrived.isEmpty {
                try await Task.sleep(for: .milliseconds(2))
                arrived = harness.mock.connections(sandbox: "prod")
            }
            let journal = try harness.directory.read("in.results.csv.journal")
            tool.send(SIGKILL)
            _ = try await tool.wait(timeout: 30)
            #expect(!arrived.isEmpty)
            let attempts = journal.split(separator: "\n").filter { $0.contains(#""event":"attempt""#) }
            for connection in arrived {
                #expect(
                    attempts.contains { $0.contains(#""name":"\#(connection.name)""#) },
                    "\(connection.name) was sent before it was journaled"
                )
            }
        }
    }

    @Test("a journal whose last line was torn by a crash is read, the torn line reported, nothing re-sent")
    func tornJournalLine() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 10)
            #expect(try await harness.run(input).status == 0)
            let journal = harness.directory.file("in.results.csv.journal")
            let handle = try #require(FileHandle(forWritingAtPath: journal))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"event":"attempt","at":1,"sandbox":"prod","name":"Ro"#.utf8))
            try handle.close()
            let posts = harness.mock.stats().total("POST /connections")
            let again = try await harness.run(input)
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(again.stderr.contains("the journal's last line was cut off"))
            #expect(harness.mock.stats().total("POST /connections") == posts)
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 10)
        }
    }

    @Test("a row edited after its connection was created is reported as changed, not created again")
    func changedRow() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 4)
            #expect(try await harness.run(input).status == 0)
            var text = try String(contentsOfFile: input, encoding: .utf8)
            text = text.replacingOccurrences(of: "https://h2.example.com", with: "https://moved.example.com")
            text = text.replacingOccurrences(of: MockHarness.token(3), with: "rotated-S3CRET")
            text = text.replacingOccurrences(of: "https://h0.example.com", with: "not-a-url")
            try text.write(toFile: input, atomically: true, encoding: .utf8)
            let again = try await harness.run(input)
            #expect(again.status == 0, "\(again.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["status"]! } == ["created", "created", "created", "created"])
            #expect(results[2]["error_code"] == "changed-since-created")
            #expect(results[2]["error"]?.contains("values changed") == true)
            #expect(results[3]["error"]?.contains("credentials changed") == true)
            #expect(results[0]["error_code"] == "changed-since-created")
            #expect(
                results[0]["error"]?.contains("is now invalid (host: 'not-a-url' is not an absolute http(s) URL")
                    == true
            )
            #expect(results[0]["connection_id"]?.isEmpty == false)
            #expect(results[1]["error_code"] == "")
            #expect(harness.mock.stats().total("POST /connections") == 4)
            #expect(!again.allOutput.contains("rotated-S3CRET"))
        }
    }

    @Test("a journal from another endpoint, org or sandbox is refused with the difference named; --restart starts over")
    func manifestMismatch() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            #expect(try await harness.run(input).status == 0)
            let other = try await harness.run(input, ["--sandbox", "dev"])
            #expect(other.status == 64)
            #expect(other.stderr.contains("default sandbox prod (now dev)"))
            #expect(other.stderr.contains("--restart"))
            let restarted = try await harness.run(input, ["--sandbox", "dev", "--restart"])
            #expect(restarted.status == 0, "\(restarted.allOutput)")
            #expect(restarted.stderr.contains("the earlier journal was moved to"))
            #expect(harness.mock.connections(sandbox: "dev").count == 3)
            let files = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
            #expect(files.contains { $0.hasPrefix("in.results.csv.journal.replaced-") })
        }
    }

    @Test("--restart refuses to move aside a journal another run is writing, and nothing is sent")
    func restartRespectsTheLock() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            #expect(try await harness.run(input).status == 0)
            let journal = harness.directory.file("in.results.csv.journal")
            // Another run holds the journal: the lock a running flowbatch takes.
            let held = open(journal, O_RDONLY)
            #expect(held >= 0)
            #expect(flock(held, LOCK_EX | LOCK_NB) == 0)
            defer { close(held) }
            let posts = harness.mock.stats().total("POST /connections")
            for extra in [["--restart"], [] as [String]] {
                let refused = try await harness.run(input, extra)
                #expect(refused.status == 64, "\(extra): \(refused.allOutput)")
                #expect(refused.stderr.contains("another flowbatch run is using \(journal)"))
            }
            #expect(FileManager.default.fileExists(atPath: journal))
            let files = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
            #expect(!files.contains { $0.contains(".replaced-") })
            #expect(harness.mock.stats().total("POST /connections") == posts)
        }
    }

    @Test("results or a journal that cannot be written stop the run before anything is sent, with exit 64")
    func unwritableOutputIsAConfigurationError() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            let result = try await harness.run(input, ["--out", harness.directory.file("missing/folder/out.csv")])
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(result.stderr.contains("missing/folder"))
            #expect(harness.mock.stats().total("POST /connections") == 0)
        }
    }

    @Test(
        "Ctrl-C finishes the requests in flight, writes the results with the rest not-run, exits 130; running again completes"
    )
    func interruptAndResume() async throws {
        try await MockHarness.with({ $0.faults.latency = .milliseconds(150) }) { harness in
            let input = try harness.writeInput(rows: 200)
            let tool = try harness.start(input, ["--concurrency", "4"])
            try await waitUntil { harness.mock.stats().connections >= 4 }
            tool.send(SIGINT)
            let stopped = try await tool.wait(timeout: 30)
            #expect(stopped.status == 130, "\(stopped.allOutput)")
            #expect(stopped.stdout.contains("Stopped early: interrupted"))
            let partial = try harness.results(harness.directory.file("in.results.csv"))
            #expect(partial.count == 200)
            let created = partial.filter { $0["status"] == "created" }.count
            #expect(created > 0)
            #expect(partial.filter { $0["status"] == "not-run" }.count == 200 - created)
            // Every request that was sent has its result: nothing in flight was abandoned.
            #expect(harness.mock.stats().connections == created)
            let final = try await harness.run(input, ["--concurrency", "8"])
            #expect(final.status == 0, "\(final.allOutput)")
            // Rows written ahead but never sent were journaled as such: nothing to look up.
            #expect(!final.stderr.contains("sent without a known answer"), "\(final.stderr)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 200)
        }
    }

    @Test("a second Ctrl-C quits at once, and the journal still lets the next run finish exactly once")
    func secondInterrupt() async throws {
        try await MockHarness.with({ $0.faults.latency = .seconds(1) }) { harness in
            let input = try harness.writeInput(rows: 40)
            let tool = try harness.start(input, ["--concurrency", "8"])
            // The mock creates a connection when the request arrives and answers a second later:
            // once it holds one, requests are in flight for about a second more.
            try await waitUntil { harness.mock.stats().connections >= 1 }
            tool.send(SIGINT)
            try await waitUntil { tool.stderrSoFar().contains("stopping:") }
            tool.send(SIGINT)
            let stopped = try await tool.wait(timeout: 30)
            #expect(stopped.status == 130)
            // Quit at once: not after the requests in flight finished, which ends with the summary.
            #expect(stopped.stderr.contains("quitting at once"), "\(stopped.allOutput)")
            #expect(!stopped.stdout.contains("Results:"), "\(stopped.allOutput)")
            harness.mock.updateFaultsIgnoringErrors { $0.latency = .zero }
            let final = try await harness.run(input)
            #expect(final.status == 0, "\(final.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 40)
        }
    }

    @Test(
        "undo --force counts only the Flow Service's own 404 as already gone, and makes up no journal for a results file without one"
    )
    func undoTrustsOnlyTheServicesNotFound() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 4)
            #expect(try await harness.run(input).status == 0)
            let results = harness.directory.file("in.results.csv")
            try FileManager.default.removeItem(atPath: results + ".journal")
            // A wrong endpoint path: every DELETE meets the server's plain 404, which proves nothing.
            let wrong = try await CommandLineTool.run(
                [
                    "undo", results, "--yes", "--force", "--endpoint", harness.mock.baseURL + "/wrong", "--ims-url",
                    harness.mock.baseURL,
                ],
                environment: harness.environment
            )
            #expect(wrong.status == 2, "\(wrong.allOutput)")
            #expect(wrong.allOutput.contains("check --endpoint"))
            #expect(harness.mock.stats().connections == 4)
            let undoResults = SimpleCSV.records(try harness.directory.read("in.results.undo.csv"))
            #expect(undoResults.count == 4)
            #expect(!undoResults.contains { $0["status"] == "deleted" })
            #expect(undoResults.contains { $0["status"] == "failed" && $0["error"]!.contains("check --endpoint") })
            #expect(!FileManager.default.fileExists(atPath: results + ".journal"))
            // The right endpoint then deletes them all: the failed attempt recorded nothing as deleted.
            let right = try await CommandLineTool.run(
                [
                    "undo", results, "--yes", "--force", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                ],
                environment: harness.environment
            )
            #expect(right.status == 0, "\(right.allOutput)")
            #expect(right.stdout.contains("deleted 4, already gone 0"))
            #expect(harness.mock.stats().connections == 0)
            #expect(!FileManager.default.fileExists(atPath: results + ".journal"))
        }
    }

    @Test("undo deletes what the run created and nothing else; a gone connection counts as deleted; undo resumes")
    func undo() async throws {
        try await MockHarness.with { harness in
            let unrelated = harness.mock.insertConnection(name: "Someone else's")
            let existing = harness.mock.insertConnection(name: "Row 2")
            let input = try harness.writeInput(rows: 12)
            #expect(try await harness.run(input).status == 0)
            let results = harness.directory.file("in.results.csv")
            #expect(try harness.results(results).filter { $0["status"] == "created" }.count == 11)
            let refused = try await CommandLineTool.run(
                ["undo", results, "--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL],
                environment: harness.environment
            )
            #expect(refused.status == 64)
            #expect(refused.stderr.contains("--yes"))
            #expect(harness.mock.stats().connections == 13)
            // One of them is already gone: that is not a failure.
            let gone = try #require(try harness.results(results).first { $0["status"] == "created" })
            _ = try await deleteDirectly(harness, id: gone["connection_id"]!)
            let undone = try await CommandLineTool.run(
                [
                    "undo", results, "--yes", "--force", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                ],
                environment: harness.environment
            )
            #expect(undone.status == 0, "\(undone.allOutput)")
            #expect(undone.stdout.contains("deleted 10, already gone 1"))
            #expect(Set(harness.mock.connections(sandbox: nil).map(\.id)) == [unrelated.id, existing.id])
            let undoResults = SimpleCSV.records(try harness.directory.read("in.results.undo.csv"))
            #expect(undoResults.count == 11)
            #expect(undoResults.allSatisfy { $0["status"] == "deleted" })
            #expect(undoResults.filter { $0["error"] == "it was already gone (404)" }.count == 1)
            let again = try await CommandLineTool.run(
                [
                    "undo", results, "--yes", "--force", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                ],
                environment: harness.environment
            )
            #expect(again.status == 0)
            #expect(harness.mock.stats().total("DELETE /connections/{id}") == 12)
            // The run's journal knows: running again creates them anew.
            let rerun = try await harness.run(input)
            #expect(rerun.status == 0)
            #expect(harness.mock.stats().connections == 13)
        }
    }

    private func deleteDirectly(_ harness: MockHarness, id: String) async throws -> Int {
        let token = try await MockClient.token(harness.mock, secret: MockHarness.clientSecret)
        return try await MockClient.delete(harness.mock, id: id, token: token)
    }
}

extension RunningMock {
    /// Changes faults in a test where the values are known to be valid.
    func updateFaultsIgnoringErrors(_ update: (inout MockFaults) -> Void) {
        try? updateFaults(update)
    }
}
