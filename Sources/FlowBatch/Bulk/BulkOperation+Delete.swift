import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

extension BulkOperation {
    /// `flowbatch undo`: `DELETE /connections/{id}` for each row a run created (never `exists` or
    /// `updated`: those were not flowbatch's to delete). A connection the Flow Service says is not
    /// there is deleted already; a deletion holds whatever the etag.
    public static let delete = BulkOperation(
        name: "delete",
        verb: "delete",
        pastTense: "deleted",
        statuses: [RowStatus.created.rawValue],
        includesCreatedByARun: true,
        tellsTheRunJournal: true,
        earlierHolds: { _, _ in true },
        perform: { (client, target) async throws(RunError) in
            let deletion = try await client.delete(id: target.connectionID, sandbox: target.sandbox)
            return BulkAnswer(yes: true, alreadyDone: deletion == .alreadyGone)
        },
        event: { row, target, _ in .deleted(row, id: target.connectionID, etag: target.etag) },
        earlier: { event in
            guard case .deleted(_, let id, let etag) = event else { return nil }
            return (id, etag, BulkAnswer(yes: true))
        },
        progressParts: { _ in [] },
        writeResults: { (plan, outcomes, file) throws(RunError) in
            try file.write(
                CSVLineEncoder.line([
                    "row", "name", "sandbox", "connection_id", "status", "http_status", "attempts", "error_code",
                    "error", "request_id",
                ])
            )
            for (target, outcome) in zip(plan.targets, outcomes) {
                let (status, failure, detail): (String, RunError?, String) =
                    switch outcome {
                    case .answered(_, earlier: true): ("deleted", nil, "deleted by an earlier undo")
                    case .answered(let answer, _) where answer.alreadyDone:
                        ("deleted", nil, "it was already gone (404)")
                    case .answered: ("deleted", nil, "")
                    case .failed(let failure): ("failed", failure, "")
                    case .notRun: ("not-run", nil, "")
                    }
                try file.write(
                    CSVLineEncoder.line([
                        String(target.row), target.name, target.sandbox, target.connectionID, status,
                        failure?.httpStatus.map(String.init) ?? "", "", failure?.resultCode ?? "",
                        (failure?.message ?? "") + detail, failure?.requestID ?? "",
                    ])
                )
            }
        }
    )
}
