import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// The one row decision of `run` and `--dry-run` (its first half, the checks of one row, is
/// ``RowValidator``'s, which `validate` uses too): what a row needs, given the file, the journal of
/// earlier runs and the connections that exist. A row becomes an outcome at once (invalid, done by
/// an earlier run, existing, unchanged, refused with its sandbox) or a job (a create or a patch).
struct RowDecision: Sendable {
    let validator: RowValidator
    let duplicates: DuplicateNames
    let resume: ResumeState?
    /// The journal key, for the fingerprint of the row's secrets.
    let key: Digest.Keyed?
    let ifExists: RunConfiguration.IfExists
    let refusals: SandboxRefusals
    var existing = ExistingConnections()
    /// `--if-exists create`, which does not list the sandboxes (``existing`` is then empty): by
    /// sandbox, the `createdAt` of its newest connection when the run began (``Int64/min`` for none),
    /// which tells a connection made by this run's requests from one that was there.
    var unlisted: [String: Int64]?
    /// The auth spec names and required params the service's connection spec lists.
    var authSpecs = ConnectionAuthSpecs.builtIn
    /// Hears the warnings about a row.
    let notify: @Sendable (String) -> Void
    /// `run --through source|flow`: the chain's part of the decision.
    var chain: ChainRows?

    /// What a row needs.
    enum Decision: Sendable {
        /// Settled without a request; `event` is journaled with it; `earlier`: an earlier run settled it.
        case outcome(RowOutcome, event: JournalEvent?, recovered: Bool, changed: Bool, earlier: Bool = false)
        case job(RowJob)
    }

    /// Decides what a row needs: an outcome now, or a request. With a chain, a row whose base
    /// connection is settled becomes a job for the rest of its chain unless the journal records it all.
    func decide(_ row: RawRow, sequence: Int) -> Decision {
        var base: BaseRow?
        guard let chain else { return decideConnection(row, sequence: sequence, chainProblems: [], base: &base) }
        let read = chain.read(row.problem == nil ? row.extras() : [])
        let decision = decideConnection(row, sequence: sequence, chainProblems: read.problems, base: &base)
        guard let base else {
            // A row an earlier run finished that has become invalid since: its chain's IDs are kept too.
            guard case .outcome(var outcome, let event, let recovered, let changed, let earlier) = decision,
                outcome.status.isDone, let entry = resume?.entry(sandbox: outcome.sandbox, name: outcome.name)
            else { return decision }
            for step in chain.options.steps { outcome.chain[step] = entry.steps[step]?.id }
            return .outcome(outcome, event: event, recovered: recovered, changed: changed, earlier: earlier)
        }
        let request = base.request
        let plan = chain.plan(
            read,
            name: request.name,
            sequence: sequence,
            known: resume?.entry(sandbox: request.sandbox, name: request.name)?.steps ?? [:]
        )
        switch decision {
        case .job(var job):
            job.chain = plan
            return .job(job)
        case .outcome(var outcome, let event, let recovered, let changed, let earlier):
            guard outcome.status.isDone, outcome.connection != nil else { return decision }
            outcome.chain = plan.knownIDs
            if plan.isComplete {
                return .outcome(outcome, event: event, recovered: recovered, changed: changed, earlier: earlier)
            }
            return .job(
                RowJob(
                    sequence: sequence,
                    request: request,
                    operation: .settled(
                        .init(outcome: outcome, event: event, recovered: recovered, changed: changed, earlier: earlier)
                    ),
                    body: [],
                    extras: outcome.extras,
                    contentFingerprint: base.fingerprint,
                    secretFingerprint: base.secretFingerprint,
                    preexisting: [],
                    chain: plan
                )
            )
        }
    }

    /// A valid row's request and fingerprints, as the base connection's decision read them.
    private struct BaseRow {
        var request: ConnectionRequest
        var fingerprint: String
        var secretFingerprint: String?
    }

    /// The base connection's decision; `base` gets the row's request once it is valid.
    private func decideConnection(
        _ row: RawRow,
        sequence: Int,
        chainProblems: [RowProblem],
        base: inout BaseRow?
    ) -> Decision {
        let result = validator.validate(row)
        for warning in result.warnings {
            notify("warning: row \(row.row): \(warning)")
        }
        let extras = row.extras()
        let settle = { (settled: RowOutcome.Result) in
            RowOutcome(
                sequence: sequence,
                row: row.row,
                name: result.name,
                sandbox: result.sandbox,
                auth: result.auth,
                settled,
                extras: extras
            )
        }
        var problems = result.problems + chainProblems
        if let request = result.request, !request.keepsSecrets { problems += authSpecs.problems(with: request) }
        if let first = duplicates.firstRow(repeatedBy: row.row) {
            problems.append(
                RowProblem(
                    .name,
                    .duplicateName,
                    "the same name is already used by row \(first) in sandbox \(result.sandbox)"
                )
            )
        } else if !problems.isEmpty, let done = resume?.entry(sandbox: result.sandbox, name: result.name)?.done {
            // An earlier run created the connection; the row has become invalid since. The ID is kept.
            let note = RowOutcome.Note(
                code: "changed-since-created",
                message: "the row changed since an earlier run created the connection and is now invalid ("
                    + problems.map(\.description).joined(separator: "; ") + "); it was not updated or created again"
            )
            notify("warning: row \(row.row): \(note.message)")
            return .outcome(settle(done.result(note: note)), event: nil, recovered: false, changed: true, earlier: true)
        }
        guard problems.isEmpty, let request = result.request else {
            let note = RowOutcome.Note(
                code: problems.first?.code.rawValue ?? "",
                message: problems.map(\.description).joined(separator: "; ")
            )
            let event = JournalEvent.invalid(
                .init(sandbox: result.sandbox, name: result.name, row: row.row),
                code: note.code,
                error: note.message
            )
            return .outcome(
                settle(.invalid(note, field: problems.first?.field)),
                event: event,
                recovered: false,
                changed: false
            )
        }
        let fingerprint = RowFingerprint.content(of: request)
        base = BaseRow(request: request, fingerprint: fingerprint, secretFingerprint: nil)
        if request.keepsSecrets {
            return keepingSecrets(
                request,
                sequence: sequence,
                problemsIfCreated: result.problemsIfCreated,
                extras: extras,
                settle: settle,
                fingerprint: fingerprint
            )
        }
        let secretFingerprint = RowFingerprint.secrets(of: request, key: key)
        base?.secretFingerprint = secretFingerprint
        let existingIDs = existing.ids(sandbox: request.sandbox, name: request.name)
        let entry = resume?.entry(sandbox: request.sandbox, name: request.name)
        if ifExists == .update, refusals.failure(for: request.sandbox) == nil,
            let decided = update(
                sequence: sequence,
                request,
                entry: entry,
                extras: extras,
                settle: settle,
                fingerprint: fingerprint,
                secretFingerprint: secretFingerprint
            )
        {
            return decided
        }
        if let done = entry?.done {
            return carried(done, settle: settle, fingerprint: fingerprint, secretFingerprint: secretFingerprint)
        }
        if let entry, entry.lookUpFirst {
            // An earlier run sent the row but never saw the answer; the listing made at the start
            // of this run shows whether it created the connection (the newest, if more than one).
            if let ours = existing.connections(sandbox: request.sandbox, name: request.name).last(where: {
                ResourceCreate.mayHaveMade($0, preexisting: entry.preexisting, createdAfter: entry.createdAfter)
            })?.id {
                return .outcome(
                    settle(.created(.init(id: ours))),
                    event: .created(
                        .init(request),
                        // What was sent, not what the row says now: an edit since is then seen.
                        .init(
                            content: entry.sentContent ?? fingerprint,
                            secrets: entry.sentSecrets ?? secretFingerprint,
                            id: ours
                        )
                    ),
                    recovered: true,
                    changed: false,
                    earlier: true
                )
            }
        }
        if let refused = refused(request.sandbox, settle: settle) { return refused }
        if let first = existingIDs.first, ifExists == .skip {
            return .outcome(
                settle(.exists(.init(id: first))),
                event: .exists(.init(request), .init(content: fingerprint, secrets: nil, id: first)),
                recovered: false,
                changed: false
            )
        }
        var job = RowJob(
            sequence: sequence,
            request: request,
            body: ConnectionBody.encode(request, authSpecs: authSpecs),
            extras: extras,
            contentFingerprint: fingerprint,
            secretFingerprint: secretFingerprint,
            preexisting: existingIDs
        )
        if let unlisted {
            job.createdAfter = unlisted[request.sandbox] ?? .min
            if let entry, entry.lookUpFirst {
                // No listing shows whether the earlier request created it: the row's first step is a
                // look-up, by what that request's own run knew.
                job.lookUpFirst = true
                (job.preexisting, job.createdAfter) = (entry.preexisting, entry.createdAfter)
            }
        }
        return .job(job)
    }

    /// `--if-exists update`: the row as ``UpdateDecision`` decides it; `nil` to go on as usual.
    private func update(
        sequence: Int,
        _ request: ConnectionRequest,
        entry: ResumeState.Entry?,
        extras: [String],
        settle: (RowOutcome.Result) -> RowOutcome,
        fingerprint: String,
        secretFingerprint: String?
    ) -> Decision? {
        let named = existing.connections(sandbox: request.sandbox, name: request.name)
        switch UpdateDecision.decide(
            request,
            entry: entry,
            named: named,
            fingerprint: fingerprint,
            secretFingerprint: secretFingerprint
        ) {
        case .asUsual:
            return nil
        case .unchanged(let id, let etag):
            return .outcome(settle(.unchanged(.init(id: id, etag: etag))), event: nil, recovered: false, changed: false)
        case .failed(let code, let message, let id):
            return .outcome(
                settle(.failed(.init(code: code, message: message), connection: id.map { .init(id: $0) })),
                event: nil,
                recovered: false,
                changed: false
            )
        case .patch(let id, let etag, let description):
            return .job(
                RowJob(
                    sequence: sequence,
                    request: request,
                    operation: .update(id: id, etag: etag, description: description),
                    body: ConnectionBody.patch(request, description: description),
                    extras: extras,
                    contentFingerprint: fingerprint,
                    secretFingerprint: secretFingerprint,
                    preexisting: []
                )
            )
        }
    }

    /// A row of a sandbox the service refused itself, failed with the refusal; `nil` for another sandbox.
    /// No journal line: an earlier unanswered request for the row must still be looked up once the
    /// sandbox can be used.
    private func refused(_ sandbox: String, settle: (RowOutcome.Result) -> RowOutcome) -> Decision? {
        guard let refused = refusals.failure(for: sandbox) else { return nil }
        return .outcome(
            settle(
                .failed(
                    .init(code: refused.resultCode, message: refused.message),
                    .init(httpStatus: refused.httpStatus, requestID: refused.requestID)
                )
            ),
            event: nil,
            recovered: false,
            changed: false
        )
    }

    /// `--if-exists update`, every secret cell empty (an export not filled in): the connection keeps its
    /// credentials. Unchanged, with a note, unless its description differs (patched alone); invalid
    /// when no connection has the name, since one cannot be created without them.
    private func keepingSecrets(
        _ request: ConnectionRequest,
        sequence: Int,
        problemsIfCreated: [RowProblem],
        extras: [String],
        settle: (RowOutcome.Result) -> RowOutcome,
        fingerprint: String
    ) -> Decision {
        if let refused = refused(request.sandbox, settle: settle) { return refused }
        let kept = RowOutcome.Note(
            code: "secrets-kept",
            message: "no secret given (every secret cell is empty): the connection's credentials were left as they are"
        )
        let decided = UpdateDecision.decide(
            request,
            entry: resume?.entry(sandbox: request.sandbox, name: request.name),
            named: existing.connections(sandbox: request.sandbox, name: request.name),
            fingerprint: fingerprint,
            secretFingerprint: nil
        )
        switch decided {
        case .asUsual:
            let note = RowOutcome.Note(
                code: problemsIfCreated.first?.code.rawValue ?? RowProblem.Code.missingField.rawValue,
                message: (problemsIfCreated.map(\.description)
                    + [
                        "no connection is named \"\(request.name)\" in sandbox \(request.sandbox) to keep the credentials of"
                    ])
                    .joined(separator: "; ")
            )
            let event = JournalEvent.invalid(
                .init(sandbox: request.sandbox, name: request.name, row: request.row),
                code: note.code,
                error: note.message
            )
            return .outcome(
                settle(.invalid(note, field: problemsIfCreated.first?.field)),
                event: event,
                recovered: false,
                changed: false
            )
        case .unchanged(let id, let etag), .patch(let id, let etag, description: false):
            return .outcome(
                settle(.unchanged(.init(id: id, etag: etag), note: kept)),
                event: nil,
                recovered: false,
                changed: false
            )
        case .failed(let code, let message, let id):
            return .outcome(
                settle(.failed(.init(code: code, message: message), connection: id.map { .init(id: $0) })),
                event: nil,
                recovered: false,
                changed: false
            )
        case .patch(let id, let etag, description: true):
            return .job(
                RowJob(
                    sequence: sequence,
                    request: request,
                    operation: .update(id: id, etag: etag, description: true),
                    body: ConnectionBody.patch(request, description: true),
                    extras: extras,
                    contentFingerprint: fingerprint,
                    secretFingerprint: nil,
                    preexisting: []
                )
            )
        }
    }

    /// A row an earlier run finished: its ID is carried; a row edited since is reported, not re-created.
    private func carried(
        _ done: ResumeState.Done,
        settle: (RowOutcome.Result) -> RowOutcome,
        fingerprint: String,
        secretFingerprint: String?
    ) -> Decision {
        var changes: [String] = []
        if let earlier = done.contentFingerprint, earlier != fingerprint { changes.append("values") }
        if let earlier = done.secretFingerprint, let now = secretFingerprint, earlier != now {
            changes.append("credentials")
        }
        let changed = !changes.isEmpty && done.status == .created
        let note =
            changed
            ? RowOutcome.Note(
                code: "changed-since-created",
                message:
                    "the row's \(changes.joined(separator: " and ")) changed since an earlier run created the connection; it was not updated or created again"
            ) : nil
        let outcome = settle(done.result(note: note))
        if let note { notify("warning: row \(outcome.row): \(note.message)") }
        return .outcome(outcome, event: nil, recovered: false, changed: changed, earlier: true)
    }
}

extension ResumeState.Done {
    /// The outcome of a row an earlier run finished: `created` or `exists`, with `note`.
    fileprivate func result(note: RowOutcome.Note?) -> RowOutcome.Result {
        let connection = RowOutcome.Connection(id: connectionID, etag: etag)
        return status == .created ? .created(connection, note: note) : .exists(connection, note: note)
    }
}
