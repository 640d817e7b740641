import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

extension BulkOperation {
    /// `flowbatch undo`: `DELETE /connections/{id}` for each row a run created (never `exists` or
    /// `updated`: those were not flowbatch's to delete). A connection the Flow Service says is not
    /// there is deleted already; a deletion holds whatever the etag.
    ///
    /// A row of a `--through source|flow` run has its resources past the base connection deleted
    /// first, in reverse (flow, target connection, source connection), only those the run's journal
    /// records as created: the service refuses to delete a source or target connection a flow uses
    /// (`FLOW-1447-400`) and a base connection a source connection uses (`FLOW-1418-400`). Each is
    /// deleted once; asked again after a lost answer, one already gone answers 404, which counts as deleted.
    public static let delete = BulkOperation(
        name: "delete",
        verb: "delete",
        pastTense: "deleted",
        statuses: [RowStatus.created.rawValue],
        includesCreatedByARun: true,
        tellsTheRunJournal: true,
        earlierHolds: { _, _ in true },
        perform: { (client, target) async throws(RunError) in
            var gone = true
            for resource in target.chain {
                let deletion = try await client.delete(.of(resource.step), id: resource.id, sandbox: target.sandbox)
                gone = gone && deletion == .alreadyGone
            }
            guard target.includesConnection else { return BulkAnswer(yes: true, alreadyDone: gone) }
            let deletion = try await client.delete(id: target.connectionID, sandbox: target.sandbox)
            return BulkAnswer(yes: true, alreadyDone: deletion == .alreadyGone && gone)
        },
        event: { row, target, _ in
            // A row whose base connection stays gets the deletions of its chain alone.
            target.includesConnection
                ? .deleted(row, id: target.connectionID, etag: target.etag)
                : .step(row, target.chain.first?.step ?? .source, .deleted(id: target.chain.first?.id ?? ""))
        },
        earlier: { event in
            guard case .deleted(_, let id, let etag) = event else { return nil }
            return (id, etag, BulkAnswer(yes: true))
        },
        progressParts: { _ in [] },
        writeResults: { (plan, outcomes, file) throws(RunError) in
            let chainColumns = plan.hasChain ? ["source_connection_id", "target_connection_id", "flow_id"] : []
            try file.write(
                CSVLineEncoder.line(
                    ["row", "name", "sandbox", "connection_id"] + chainColumns
                        + ["status", "http_status", "attempts", "error_code", "error", "request_id"]
                )
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
                // The IDs it deleted (or was to delete): a base connection it leaves alone is not listed.
                let chain =
                    plan.hasChain
                    ? [ChainStep.source, .target, .flow].map { step in
                        target.chain.first { $0.step == step }?.id ?? ""
                    } : []
                try file.write(
                    CSVLineEncoder.line(
                        [
                            String(target.row), target.name, target.sandbox,
                            target.includesConnection ? target.connectionID : "",
                        ] + chain
                            + [
                                status, failure?.httpStatus.map(String.init) ?? "", "", failure?.resultCode ?? "",
                                (failure?.message ?? "") + detail, failure?.requestID ?? "",
                            ]
                    )
                )
            }
        },
        chainEvents: { row, target in
            // After ``event``: a row whose base connection stays had its first chain resource there.
            target.chain.dropFirst(target.includesConnection ? 0 : 1).map { .step(row, $0.step, .deleted(id: $0.id)) }
        },
        appliesToChain: true
    )
}
