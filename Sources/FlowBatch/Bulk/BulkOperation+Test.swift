import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

extension BulkOperation {
    /// `flowbatch test`: `GET /connections/{id}/test` for every row with a connection. An earlier test
    /// holds for the connection as it was (a patch since gives it another etag, and it is tested
    /// again). Its results are the results file again, with `result` and `test_error`; for a results
    /// file with `flow_id`, also `flow_state` and `preview` (``FlowCheck``), empty for a row without a flow.
    public static let test = BulkOperation(
        name: "test",
        verb: "test",
        pastTense: "tested",
        statuses: Set([RowStatus.created, .exists, .updated, .unchanged].map(\.rawValue)),
        includesCreatedByARun: false,
        tellsTheRunJournal: false,
        earlierHolds: { etag, target in etag.map(EntityTag.bare) == EntityTag.bare(target.etag) },
        perform: { (client, target) async throws(RunError) in
            BulkAnswer(yes: try await client.test(id: target.connectionID, sandbox: target.sandbox))
        },
        event: { row, target, answer in
            .tested(row, id: target.connectionID, etag: target.etag, passed: answer.yes)
        },
        earlier: { event in
            guard case .tested(_, let id, let etag, let passed) = event else { return nil }
            return (id, etag, BulkAnswer(yes: passed))
        },
        progressParts: { snapshot in ["passed \(snapshot.count(.created))", "failed \(snapshot.count(.invalid))"] },
        writeResults: { (plan, outcomes, file) throws(RunError) in
            let flows = plan.hasFlows
            try file.write(
                CSVLineEncoder.line(plan.header + ["result", "test_error"] + (flows ? FlowCheck.columns : []))
            )
            var byLine: [Int: BulkOutcome] = [:]
            for (target, outcome) in zip(plan.targets, outcomes) { byLine[target.line] = outcome }
            for (index, fields) in plan.lines.enumerated() {
                let answer: [String] =
                    switch byLine[index] {
                    case .answered(let answer, _)?: [answer.yes ? "true" : "false", ""]
                    case .failed(let failure)?: ["", "\(failure.message) [\(failure.resultCode)]"]
                    case .notRun?: ["", "not tested: the run stopped first"]
                    case nil: ["", ""]
                    }
                let flow = plan.flowChecks[index].map { [$0.flowState, $0.preview] } ?? ["", ""]
                try file.write(CSVLineEncoder.line(fields + answer + (flows ? flow : [])))
            }
        },
        checksFlows: true
    )
}
