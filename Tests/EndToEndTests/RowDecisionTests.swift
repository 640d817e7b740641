import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// `run` and `--dry-run` make one row decision: what the plan says of a row is what the run does.
@Suite("One row decision for run and --dry-run, with the built binary", .timeLimit(.minutes(3)))
struct RowDecisionTests {
    @Test("a row an earlier run created that has become invalid is done earlier in the plan and in the run")
    func createdThenInvalid() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            #expect(try await harness.run(input).status == 0)
            // Row 0 (spreadsheet row 2) loses its password.
            let text = try String(contentsOfFile: input, encoding: .utf8)
            try text.replacingOccurrences(of: MockHarness.password(0), with: "").write(
                toFile: input,
                atomically: true,
                encoding: .utf8
            )
            let plan = try await harness.run(input, ["--dry-run"])
            #expect(plan.status == 0, "\(plan.allOutput)")
            #expect(
                plan.stdout.contains("row 2: done earlier: created \"Row 0\" in prod"),
                "\(plan.stdout)"
            )
            #expect(plan.stdout.contains("changed since an earlier run created the connection"), "\(plan.stdout)")
            #expect(plan.stdout.contains("3 done earlier, 0 exist, 0 invalid"), "\(plan.stdout)")
            let again = try await harness.run(input)
            #expect(again.status == 0, "\(again.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["status"]! } == ["created", "created", "created"])
            #expect(results[0]["error_code"] == "changed-since-created")
            #expect(harness.mock.stats().total("POST /connections") == 3)
        }
    }
}
