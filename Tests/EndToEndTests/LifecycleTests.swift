import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// How `run`, `undo`, `test` and `demo` stop on SIGINT and SIGTERM (their ServiceGroup lifecycle), with the built binary.
/// Every signal is sent on an event (the mock's count, a line of output), never after a fixed time.
@Suite("Graceful stop and quitting at once, with the built binary", .serialized, .timeLimit(.minutes(10)))
struct LifecycleTests {
    @Test(
        "SIGTERM stops a run as Ctrl-C does: requests in flight finish, every row has a result, exit 130; the same command then finishes exactly once"
    )
    func sigtermStopsGracefully() async throws {
        try await MockHarness.with({ $0.faults.latency = .milliseconds(150) }) { harness in
            let rows = 100
            let input = try harness.writeInput(rows: rows)
            let tool = try harness.start(input, ["--concurrency", "4"])
            try await waitUntil { harness.mock.stats().connections >= 4 }
            tool.send(SIGTERM)
            let stopped = try await tool.wait(timeout: 60)
            #expect(stopped.status == 130, "\(stopped.allOutput)")
            #expect(stopped.stderr.contains("stopping: finishing the requests in flight"))
            #expect(stopped.stdout.contains("Stopped early: interrupted"), "\(stopped.allOutput)")
            let partial = try harness.results(harness.directory.file("in.results.csv"))
            #expect(partial.count == rows)
            let created = partial.filter { $0["status"] == "created" }.count
            #expect(created > 0)
            #expect(partial.filter { $0["status"] == "not-run" }.count == rows - created)
            // Every request that reached the service has its result: nothing in flight was abandoned.
            #expect(harness.mock.stats().connections == created)
            let final = try await harness.run(input, ["--concurrency", "8"])
            #expect(final.status == 0, "\(final.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: rows)
            for secret in MockHarness.secrets(rows: rows) {
                #expect(!(stopped.allOutput + final.allOutput).contains(secret))
            }
        }
    }

    @Test("Ctrl-C, then SIGTERM while the requests in flight finish: quits at once with 130 and no temporary file")
    func secondSignalOfEitherKindQuits() async throws {
        try await MockHarness.with({ $0.faults.latency = .seconds(1) }) { harness in
            let input = try harness.writeInput(rows: 40)
            func leftovers() throws -> [String] {
                try FileManager.default.contentsOfDirectory(atPath: harness.directory.path).filter {
                    $0.hasSuffix(".tmp")
                }
            }
            let tool = try harness.start(input, ["--concurrency", "8"])
            // The mock creates a connection when the request arrives and answers a second later.
            try await waitUntil { harness.mock.stats().connections >= 1 }
            #expect(try leftovers().count == 1)
            tool.send(SIGINT)
            try await waitUntil { tool.stderrSoFar().contains("stopping:") }
            tool.send(SIGTERM)
            let stopped = try await tool.wait(timeout: 30)
            #expect(stopped.status == 130, "\(stopped.allOutput)")
            #expect(stopped.stderr.contains("quitting at once"), "\(stopped.allOutput)")
            #expect(!stopped.stdout.contains("Results:"), "\(stopped.allOutput)")
            #expect(try leftovers().isEmpty)
            harness.mock.updateFaultsIgnoringErrors { $0.latency = .zero }
            let final = try await harness.run(input)
            #expect(final.status == 0, "\(final.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 40)
        }
    }

    @Test(
        "undo stopped by Ctrl-C finishes the deletes in flight, writes every row's result, exits 130; the same command deletes the rest"
    )
    func undoStopsGracefully() async throws {
        try await MockHarness.with { harness in
            let rows = 60
            let input = try harness.writeInput(rows: rows)
            #expect(try await harness.run(input).status == 0)
            try harness.mock.updateFaults { $0.latency = .milliseconds(150) }
            let results = harness.directory.file("in.results.csv")
            let arguments = [
                "undo", results, "--yes", "--concurrency", "2", "--progress", "none", "--endpoint",
                harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL,
            ]
            let undo = try CommandLineTool.start(arguments, environment: harness.environment)
            try await waitUntil { harness.mock.stats().total("DELETE /connections/{id}") >= 2 }
            undo.send(SIGINT)
            let stopped = try await undo.wait(timeout: 60)
            #expect(stopped.status == 130, "\(stopped.allOutput)")
            #expect(stopped.stdout.contains("Stopped early"), "\(stopped.allOutput)")
            let undone = SimpleCSV.records(try harness.directory.read("in.results.undo.csv"))
            #expect(undone.count == rows)
            let deleted = undone.filter { $0["status"] == "deleted" }.count
            #expect(deleted > 0 && deleted < rows)
            #expect(undone.filter { $0["status"] == "not-run" }.count == rows - deleted)
            // Every delete that reached the service has its result.
            #expect(harness.mock.stats().connections == rows - deleted)
            try harness.mock.updateFaults { $0.latency = .zero }
            let again = try await CommandLineTool.run(arguments, environment: harness.environment)
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(harness.mock.stats().connections == 0)
            #expect(harness.mock.stats().total("DELETE /connections/{id}") == rows)
        }
    }

    @Test(
        "test stopped by SIGTERM finishes the tests in flight, writes every row, exits 130; the same command tests only the rest"
    )
    func testCommandStopsGracefully() async throws {
        try await MockHarness.with { harness in
            let rows = 60
            let input = try harness.writeInput(rows: rows)
            #expect(try await harness.run(input).status == 0)
            try harness.mock.updateFaults { $0.latency = .milliseconds(150) }
            let arguments = [
                "test", harness.directory.file("in.results.csv"), "--concurrency", "2", "--progress", "none",
                "--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL,
            ]
            let tool = try CommandLineTool.start(arguments, environment: harness.environment)
            try await waitUntil { harness.mock.stats().total("GET /connections/{id}/test") >= 2 }
            tool.send(SIGTERM)
            let stopped = try await tool.wait(timeout: 60)
            #expect(stopped.status == 130, "\(stopped.allOutput)")
            let tested = SimpleCSV.records(try harness.directory.read("in.results.test.csv"))
            #expect(tested.count == rows)
            let passed = tested.filter { $0["result"] == "true" }.count
            #expect(passed > 0 && passed < rows)
            #expect(tested.filter { $0["result"] == "" }.count == rows - passed)
            // Every test that reached the service has its result.
            #expect(harness.mock.stats().total("GET /connections/{id}/test") == passed)
            try harness.mock.updateFaults { $0.latency = .zero }
            let again = try await CommandLineTool.run(arguments, environment: harness.environment)
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(harness.mock.stats().total("GET /connections/{id}/test") == rows)
        }
    }

    @Test("Ctrl-C stops the demo gracefully: every row has a result, exit 130, and its embedded mock stops with it")
    func demoStopsGracefully() async throws {
        let directory = try TemporaryDirectory()
        let demo = try CommandLineTool.start(
            ["demo", "--progress", "none", "--concurrency", "1"],
            environment: ["XDG_CONFIG_HOME": directory.file("config")],
            directory: directory.path
        )
        // Once its mock holds two connections, the demo is past its start and creating the next rows.
        try await waitUntil { demo.stdoutSoFar().contains("\n") }
        let line = demo.stdoutSoFar()
        let base = try #require(
            line.firstMatch(of: /listening on (http:\/\/[0-9.:]+)\s/).map { String($0.1) },
            "\(line)"
        )
        var created = 0
        for _ in 0..<6_000 where created < 2 {
            try await Task.sleep(for: .milliseconds(10))
            created = try await MockClient.connections(at: base)
        }
        #expect(created >= 2)
        demo.send(SIGINT)
        let stopped = try await demo.wait(timeout: 60)
        #expect(stopped.status == 130, "\(stopped.allOutput)")
        #expect(stopped.stdout.contains("Stopped early: interrupted"), "\(stopped.allOutput)")
        let folder = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).first {
                $0.hasPrefix("flowbatch-demo-")
            }
        )
        let results = SimpleCSV.records(try directory.read(folder + "/mixed.results.csv"))
        #expect(results.count == 40)
        #expect(results.contains { $0["status"] == "not-run" })
    }
}
