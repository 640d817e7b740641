import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `run --through flow` with the built binary against the real mock: every row's base connection,
/// source connection, target connection and flow, each exactly once and linked right, through
/// faults and `kill -9`; undo in reverse; a bad source param invalid everywhere.
@Suite("The onboarding chain (run --through), with the built binary", .serialized, .timeLimit(.minutes(10)))
struct ChainRunTests {
    static let dataset = MockDataset.demo.id

    /// An input of `rows` basic rows with the mock's (invented) source params as columns.
    static func writeChainInput(
        _ harness: MockHarness,
        rows: Int,
        name: String = "in.csv",
        method: (Int) -> String = { _ in "GET" }
    )
        throws -> String
    {
        var text = "name,auth,host,username,password,URL Params.Path,urlParams.method,ticket\n"
        for index in 0..<rows {
            text +=
                "Row \(index),basic,https://h\(index).example.com,u\(index),\(MockHarness.password(index)),/v1/items/\(index),\(method(index)),T-\(index)\n"
        }
        return try harness.directory.write(name, text)
    }

    /// Every row of `results` has exactly one resource of each kind on the mock, linked as the chain
    /// links them (the source's base connection, the target's dataset, the flow's source and target).
    static func expectChainExactlyOnce(
        _ harness: MockHarness,
        _ results: [[String: String]],
        rows: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        harness.expectExactlyOnce(results, rows: rows, sourceLocation: sourceLocation)
        let sources = harness.mock.sourceConnections(sandbox: nil)
        let targets = harness.mock.targetConnections(sandbox: nil)
        let flows = harness.mock.flows(sandbox: nil)
        #expect(sources.count == rows, "source connections: \(sources.count)", sourceLocation: sourceLocation)
        #expect(targets.count == rows, "target connections: \(targets.count)", sourceLocation: sourceLocation)
        #expect(flows.count == rows, "flows: \(flows.count)", sourceLocation: sourceLocation)
        let sourceByID = Dictionary(uniqueKeysWithValues: sources.map { ($0.id, $0) })
        let targetByID = Dictionary(uniqueKeysWithValues: targets.map { ($0.id, $0) })
        let flowByID = Dictionary(uniqueKeysWithValues: flows.map { ($0.id, $0) })
        for result in results {
            let name = result["name"] ?? ""
            #expect(result["status"] == "created", "\(name): \(result)", sourceLocation: sourceLocation)
            #expect(result["step"] == "flow", "\(name): \(result)", sourceLocation: sourceLocation)
            #expect(result["failed_step"] == "", sourceLocation: sourceLocation)
            guard let source = sourceByID[result["source_connection_id"] ?? ""],
                let target = targetByID[result["target_connection_id"] ?? ""],
                let flow = flowByID[result["flow_id"] ?? ""]
            else {
                Issue.record(
                    "\(name): a resource of the results is not on the service: \(result)",
                    sourceLocation: sourceLocation
                )
                continue
            }
            #expect(source.baseConnectionID == result["connection_id"], "\(name)", sourceLocation: sourceLocation)
            #expect(source.name == "\(name) source", sourceLocation: sourceLocation)
            #expect(target.datasetID == dataset, sourceLocation: sourceLocation)
            #expect(flow.sourceConnectionIDs == [source.id], "\(name)", sourceLocation: sourceLocation)
            #expect(flow.targetConnectionIDs == [target.id], "\(name)", sourceLocation: sourceLocation)
            #expect(flow.name == name, sourceLocation: sourceLocation)
        }
    }

    @Test(
        "150 rows --through flow through 3% 5xx, 3% ambiguous answers and three kill -9s, then the same command: one resource of each kind per row, linked right; undo leaves none"
    )
    func chainExactlyOnceThroughFaultsAndKills() async throws {
        try await MockHarness.with({
            $0.faults.latency = .milliseconds(5)
            $0.faults.latencyJitter = .milliseconds(15)
            $0.faults.ambiguousRate = 0.03
            $0.faults.errorRate = 0.03
            $0.faults.seed = 24
        }) { harness in
            let rows = 150
            let input = try Self.writeChainInput(harness, rows: rows)
            let journal = harness.directory.file("in.results.csv.journal")
            let arguments = ["--through", "flow", "--dataset", Self.dataset, "--concurrency", "16"]
            // Each kill waits on an event, not on a clock: amid the first chain steps, then a third and
            // two thirds of the flows made, in resumed runs with creates, retries and look-ups in flight.
            let killPoints: [(name: String, reached: () -> Bool)] = [
                (
                    "first source connection journaled",
                    { (try? String(contentsOfFile: journal, encoding: .utf8))?.contains(#""step":"source""#) == true }
                ),
                ("a third of the flows", { harness.mock.flows(sandbox: nil).count >= rows / 3 }),
                ("two thirds of the flows", { harness.mock.flows(sandbox: nil).count >= rows * 2 / 3 }),
            ]
            var killed = 0
            for point in killPoints {
                let tool = try harness.start(input, arguments)
                try await waitUntil { point.reached() || !tool.isRunning }
                tool.send(SIGKILL)
                let ended = try await tool.wait(timeout: 60)
                #expect(
                    ended.status == 128 + SIGKILL || ended.status == 0 || ended.status == 1,
                    "\(point.name): \(ended.allOutput)"
                )
                if ended.status == 128 + SIGKILL { killed += 1 }
            }
            #expect(killed > 0)
            var final = try await harness.run(input, arguments)
            // A row whose retries ran out under the faults is failed; the same command again tries it.
            for _ in 0..<3 where final.status == 1 { final = try await harness.run(input, arguments) }
            #expect(final.status == 0, "\(final.allOutput)")
            let resultsPath = harness.directory.file("in.results.csv")
            Self.expectChainExactlyOnce(harness, try harness.results(resultsPath), rows: rows)
            let everything =
                try harness.directory.read("in.results.csv") + harness.directory.read("in.results.csv.journal")
            for secret in MockHarness.secrets(rows: rows) { #expect(!everything.contains(secret)) }

            let undo = try await CommandLineTool.run(
                [
                    "undo", resultsPath, "--yes", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                    "--progress", "none",
                ],
                environment: harness.environment,
                timeout: 120
            )
            #expect(undo.status == 0, "\(undo.allOutput)")
            #expect(harness.mock.flows(sandbox: nil).isEmpty)
            #expect(harness.mock.targetConnections(sandbox: nil).isEmpty)
            #expect(harness.mock.sourceConnections(sandbox: nil).isEmpty)
            #expect(harness.mock.connections(sandbox: nil).isEmpty)
        }
    }

    @Test(
        "a row whose source params break the connection spec's sourceSpec is invalid in validate, the dry run and the run, and the others go on"
    )
    func invalidSourceParams() async throws {
        try await MockHarness.with { harness in
            let input = try Self.writeChainInput(harness, rows: 4, method: { $0 == 2 ? "PUT" : "GET" })
            let arguments = ["--through", "flow", "--dataset", Self.dataset]
            // validate reads the connection spec as the run does (read-only), then checks every row.
            let validate = try await CommandLineTool.run(
                ["validate", input, "--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL]
                    + arguments,
                environment: harness.environment
            )
            #expect(validate.status == 1, "\(validate.allOutput)")
            #expect(
                validate.stdout
                    == "row 4: source params: urlParams.method must be one of GET, POST (got 'PUT')\n"
                    + "4 rows checked: 3 valid, 1 invalid (1 problem)\n",
                "\(validate.stdout)"
            )
            #expect(!validate.stderr.contains("not sent,"), "\(validate.stderr)")
            let offline = try await CommandLineTool.run(["validate", input])
            #expect(offline.status == 0, "offline, without --through, no source param is checked: \(offline.allOutput)")
            #expect(harness.mock.stats().requests.keys.filter { $0.hasPrefix("POST") } == ["POST /ims/token/v3"])
            let plan = try await harness.run(input, arguments + ["--dry-run"])
            #expect(plan.status == 1, "\(plan.allOutput)")
            #expect(
                plan.stdout.contains("row 4: invalid: source params: urlParams.method must be one of GET, POST"),
                "\(plan.stdout)"
            )
            #expect(plan.stdout.contains("POST /sourceConnections"))
            #expect(harness.mock.connections(sandbox: nil).isEmpty)
            let run = try await harness.run(input, arguments)
            #expect(run.status == 1, "\(run.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["status"] ?? "" } == ["created", "created", "invalid", "created"])
            #expect(results[2]["error_code"] == "invalid-source-param")
            #expect(harness.mock.flows(sandbox: nil).count == 3)
            #expect(harness.mock.connections(sandbox: nil).count == 3)
        }
    }

    @Test("a missing dataset stops the run before anything is written (exit 64), naming it")
    func missingDataset() async throws {
        try await MockHarness.with { harness in
            let input = try Self.writeChainInput(harness, rows: 2)
            let run = try await harness.run(input, ["--through", "flow", "--dataset", "0123456789abcdef01234567"])
            #expect(run.status == 64, "\(run.allOutput)")
            #expect(run.stderr.contains("0123456789abcdef01234567"), "\(run.stderr)")
            #expect(harness.mock.stats().requests.keys.allSatisfy { !$0.hasPrefix("POST /connections") })
            #expect(!FileManager.default.fileExists(atPath: harness.directory.file("in.results.csv.journal")))
        }
    }

    @Test(
        "--through flow with neither --dataset nor a dataset_id column is refused before anything is written (exit 64)"
    )
    func noDatasetAtAll() async throws {
        try await MockHarness.with { harness in
            let input = try Self.writeChainInput(harness, rows: 2)
            let run = try await harness.run(input, ["--through", "flow"])
            #expect(run.status == 64, "\(run.allOutput)")
            #expect(run.stderr.contains("--dataset"), "\(run.stderr)")
            #expect(harness.mock.connections(sandbox: nil).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: harness.directory.file("in.results.csv.journal")))
        }
    }

    @Test(
        "a row carries on from its last step: base connections made --through connection get the rest of the chain; one found as existing is reused and undo leaves it"
    )
    func carriesOnAndReuses() async throws {
        try await MockHarness.with { harness in
            let input = try Self.writeChainInput(harness, rows: 3)
            let seeded = harness.mock.insertConnection(name: "Row 2")
            let first = try await harness.run(input, ["--through", "connection"])
            #expect(first.status == 0, "\(first.allOutput)")
            #expect(harness.mock.connections(sandbox: nil).count == 3)
            let arguments = ["--through", "flow", "--dataset", Self.dataset]
            let second = try await harness.run(input, arguments)
            #expect(second.status == 0, "\(second.allOutput)")
            let resultsPath = harness.directory.file("in.results.csv")
            let results = try harness.results(resultsPath)
            #expect(results.map { $0["step"] ?? "" } == ["flow", "flow", "flow"])
            #expect(results[2]["connection_id"] == seeded.id)
            #expect(harness.mock.connections(sandbox: nil).count == 3)
            #expect(harness.mock.flows(sandbox: nil).count == 3)
            // Again: nothing more is sent.
            let posts = harness.mock.stats().requests.filter { $0.key.hasPrefix("POST /") && !$0.key.contains("ims") }
            let third = try await harness.run(input, arguments)
            #expect(third.status == 0, "\(third.allOutput)")
            #expect(
                harness.mock.stats().requests.filter { $0.key.hasPrefix("POST /") && !$0.key.contains("ims") } == posts
            )

            // Asked first (no terminal here: refused), and told what goes, kind by kind, in undo's order.
            let asked = try await CommandLineTool.run(
                ["undo", resultsPath, "--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL],
                environment: harness.environment
            )
            #expect(asked.status == 64, "\(asked.allOutput)")
            #expect(
                asked.stderr.contains(
                    "Delete 3 flows, 3 target connections, 3 source connections and 2 connections created by flowbatch"
                ),
                "\(asked.stderr)"
            )
            let undo = try await CommandLineTool.run(
                [
                    "undo", resultsPath, "--yes", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                    "--progress", "none",
                ],
                environment: harness.environment,
                timeout: 60
            )
            #expect(undo.status == 0, "\(undo.allOutput)")
            #expect(harness.mock.flows(sandbox: nil).isEmpty)
            #expect(harness.mock.sourceConnections(sandbox: nil).isEmpty)
            #expect(harness.mock.targetConnections(sandbox: nil).isEmpty)
            #expect(harness.mock.connections(sandbox: nil).map(\.id) == [seeded.id])
            #expect(
                undo.stdout.contains("deleted 3, already gone 0, failed 0 (rows: each row's flow"),
                "\(undo.stdout)"
            )
        }
    }
}
