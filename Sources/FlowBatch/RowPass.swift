import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// The main pass of a run over the input: turns each row into an outcome at once (invalid, already
/// done, already existing) or into a job for a worker, keeps at most the allowed number of jobs in
/// flight, and records every outcome in input order. After a stop, the rows not reached are
/// recorded as `not-run` (or as done, when an earlier run finished them).
struct RowPass<C: Clock> where C.Duration == Duration {
    let run: BatchRun<C>
    let rateLimiter: RateLimiter<C>?
    let columns: ColumnMap
    let duplicates: DuplicateNames
    let resume: ResumeState?
    let key: [UInt8]?
    let journal: JournalWriter
    let writer: ResultsWriter
    let refusals: SandboxRefusals
    var existing = ExistingConnections()
    /// The auth spec names and required params the service's connection spec lists.
    var authSpecs = ConnectionAuthSpecs.builtIn
    /// Rows given an outcome so far (the next row's sequence number).
    private(set) var sequence = 0

    init(
        run: BatchRun<C>,
        rateLimiter: RateLimiter<C>?,
        columns: ColumnMap,
        duplicates: DuplicateNames,
        resume: ResumeState?,
        key: [UInt8]?,
        journal: JournalWriter,
        writer: ResultsWriter,
        refusals: SandboxRefusals
    ) {
        self.run = run
        self.rateLimiter = rateLimiter
        self.columns = columns
        self.duplicates = duplicates
        self.resume = resume
        self.key = key
        self.journal = journal
        self.writer = writer
        self.refusals = refusals
    }

    private enum Next {
        case outcome(RowOutcome, event: JournalRecord?, recovered: Bool, changed: Bool, earlier: Bool = false)
        case job(RowJob)
    }

    /// Reads every row and gives each an outcome.
    mutating func process(client: FlowServiceClient) async throws {
        let configuration = run.configuration
        var cursor = try configuration.input.open()
        let limit = configuration.limit ?? .max
        let concurrency = ConcurrencyLimit(maximum: configuration.concurrency)
        let worker = RowWorker(
            client: client,
            journal: journal,
            retrier: Retrier(
                clock: run.clock,
                policy: configuration.retry,
                gate: PauseGate(clock: run.clock),
                stop: run.stop,
                budget: RetryBudget(capacity: configuration.retryBudgetCapacity),
                concurrency: concurrency,
                rateLimiter: rateLimiter,
                statistics: run.statistics,
                logger: run.logger
            ),
            statistics: run.statistics,
            stop: run.stop,
            refusals: refusals,
            logger: run.logger
        )
        let validator = run.validator
        var inputError: (any Error)?
        // A batch's `attempt` lines are made durable with one sync before any of its rows is sent
        // (write-ahead without a sync per row); the executor runs that sync while the batch before
        // it is being sent, so that no slot waits for the disk.
        let executor = WindowedExecutor(
            concurrency: concurrency,
            stop: run.stop,
            batchSize: max(configuration.concurrency, 32),
            statistics: run.statistics
        )
        let unsent = try await executor.run(
            next: { () throws -> RowJob? in
                while sequence < limit, inputError == nil {
                    let next: Next?
                    do {
                        next = try cursor.nextRow { row in prepare(row, validator: validator) }
                    } catch {
                        inputError = error
                        return nil
                    }
                    guard let next else { return nil }
                    sequence += 1
                    switch next {
                    case .outcome(let outcome, let event, let recovered, let changed, let earlier):
                        try record(outcome, event: event, recovered: recovered, changed: changed, earlier: earlier)
                    case .job(let job):
                        return job
                    }
                }
                return nil
            },
            prepare: { [journal] batch in
                journal.append(batch.flatMap { $0.attemptRecord(attempt: 1) })
                try await journal.flush()
            },
            work: { [worker] job in await worker.process(job) },
            sink: { result in try finish(result) }
        )
        // Jobs journaled but never sent: the journal says so, so that the next run sends them without
        // looking them up first.
        for job in unsent {
            var unsentEvent = JournalRecord(event: .unsent, at: JournalClock.now())
            unsentEvent.sandbox = job.request.sandbox
            unsentEvent.name = job.request.name
            unsentEvent.row = job.request.row
            try record(notRun(job.notRun), event: unsentEvent)
        }
        if inputError == nil {
            do {
                while sequence < limit, let outcome = try cursor.nextRow({ carriedOrNotRun($0) }) {
                    try record(outcome, event: nil, earlier: outcome.status != .notRun)
                    sequence += 1
                }
            } catch {
                inputError = error
            }
        }
        if let inputError {
            let message = (inputError as? InputError)?.description ?? "\(inputError)"
            run.stop.stop(
                .runError(
                    RunError(
                        .localFile,
                        "the input could not be read to its end (\(message)); results are written for the rows read"
                    )
                )
            )
        }
    }

    /// Decides what a row needs: an outcome now, or a request.
    private func prepare(_ row: RawRow, validator: RowValidator) -> Next {
        let result = validator.validate(row)
        for warning in result.warnings {
            run.notify("warning: row \(row.row): \(warning)")
        }
        var outcome = RowOutcome(
            sequence: sequence,
            row: row.row,
            name: result.name,
            sandbox: result.sandbox,
            auth: result.auth,
            status: .invalid,
            extras: row.extras()
        )
        var problems = result.problems
        if let request = result.request { problems += authSpecs.problems(with: request) }
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
            outcome.status = done.status
            outcome.connectionID = done.connectionID
            outcome.etag = done.etag
            outcome.errorCode = "changed-since-created"
            outcome.error =
                "the row changed since an earlier run created the connection and is now invalid ("
                + problems.map(\.description).joined(separator: "; ") + "); it was not updated or created again"
            run.notify("warning: row \(outcome.row): \(outcome.error!)")
            return .outcome(outcome, event: nil, recovered: false, changed: true, earlier: true)
        }
        guard problems.isEmpty, let request = result.request else {
            outcome.errorCode = problems.first?.code.rawValue
            outcome.errorField = problems.first?.field
            outcome.error = problems.map(\.description).joined(separator: "; ")
            var event = JournalRecord(event: .invalid, at: JournalClock.now())
            event.sandbox = result.sandbox
            event.name = result.name
            event.row = row.row
            event.code = outcome.errorCode
            event.error = outcome.error
            return .outcome(outcome, event: event, recovered: false, changed: false)
        }
        let fingerprint = RowFingerprint.content(of: request)
        let secretFingerprint = RowFingerprint.secrets(of: request, key: key)
        let existingIDs = existing.ids(sandbox: request.sandbox, name: request.name)
        let entry = resume?.entry(sandbox: request.sandbox, name: request.name)
        if run.configuration.ifExists == .update, refusals.failure(for: request.sandbox) == nil,
            let decided = update(
                request,
                entry: entry,
                outcome: outcome,
                fingerprint: fingerprint,
                secretFingerprint: secretFingerprint
            )
        {
            return decided
        }
        if let done = entry?.done {
            return carried(done, outcome: outcome, fingerprint: fingerprint, secretFingerprint: secretFingerprint)
        }
        if let entry, entry.lookUpFirst {
            // An earlier run sent the row but never saw the answer; the listing made at the start
            // of this run shows whether it created the connection.
            if let ours = existingIDs.first(where: { !entry.preexisting.contains($0) }) {
                outcome.status = .created
                outcome.connectionID = ours
                return .outcome(
                    outcome,
                    event: event(
                        .created,
                        for: request,
                        id: ours,
                        // What was sent, not what the row says now: an edit since is then seen.
                        fingerprint: entry.sentContent ?? fingerprint,
                        secretFingerprint: entry.sentSecrets ?? secretFingerprint
                    ),
                    recovered: true,
                    changed: false,
                    earlier: true
                )
            }
        }
        if let refused = refusals.failure(for: request.sandbox) {
            // The service refused the sandbox itself; no journal line: an earlier unanswered
            // request for the row must still be looked up once the sandbox can be used.
            outcome.status = .failed
            outcome.errorCode = refused.code
            outcome.error = refused.message
            outcome.httpStatus = refused.httpStatus
            outcome.requestID = refused.requestID
            return .outcome(outcome, event: nil, recovered: false, changed: false)
        }
        if let first = existingIDs.first, run.configuration.ifExists == .skip {
            outcome.status = .exists
            outcome.connectionID = first
            return .outcome(
                outcome,
                event: event(.exists, for: request, id: first, fingerprint: fingerprint, secretFingerprint: nil),
                recovered: false,
                changed: false
            )
        }
        return .job(
            RowJob(
                sequence: sequence,
                request: request,
                body: ConnectionBody.encode(request, authSpecs: authSpecs),
                extras: outcome.extras,
                contentFingerprint: fingerprint,
                secretFingerprint: secretFingerprint,
                preexisting: existingIDs
            )
        )
    }

    /// `--if-exists update`: the row as ``UpdateDecision`` decides it; `nil` to go on as usual.
    private func update(
        _ request: ConnectionRequest,
        entry: ResumeState.Entry?,
        outcome: RowOutcome,
        fingerprint: String,
        secretFingerprint: String?
    ) -> Next? {
        var outcome = outcome
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
            outcome.status = .unchanged
            outcome.connectionID = id
            outcome.etag = etag
            return .outcome(outcome, event: nil, recovered: false, changed: false)
        case .failed(let code, let message, let id):
            outcome.status = .failed
            outcome.connectionID = id
            outcome.errorCode = code
            outcome.error = message
            return .outcome(outcome, event: nil, recovered: false, changed: false)
        case .patch(let id, let etag, let description):
            return .job(
                RowJob(
                    sequence: sequence,
                    request: request,
                    operation: .update(id: id, etag: etag),
                    body: ConnectionBody.patch(request, description: description),
                    extras: outcome.extras,
                    contentFingerprint: fingerprint,
                    secretFingerprint: secretFingerprint,
                    preexisting: []
                )
            )
        }
    }

    /// A row an earlier run finished: its ID is carried; a row edited since is reported, not re-created.
    private func carried(
        _ done: ResumeState.Done,
        outcome: RowOutcome,
        fingerprint: String,
        secretFingerprint: String?
    ) -> Next {
        var outcome = outcome
        outcome.status = done.status
        outcome.connectionID = done.connectionID
        outcome.etag = done.etag
        var changes: [String] = []
        if let earlier = done.contentFingerprint, earlier != fingerprint { changes.append("values") }
        if let earlier = done.secretFingerprint, let now = secretFingerprint, earlier != now {
            changes.append("credentials")
        }
        if !changes.isEmpty, done.status == .created {
            outcome.errorCode = "changed-since-created"
            outcome.error =
                "the row's \(changes.joined(separator: " and ")) changed since an earlier run created the connection; it was not updated or created again"
            run.notify("warning: row \(outcome.row): \(outcome.error!)")
        }
        return .outcome(
            outcome,
            event: nil,
            recovered: false,
            changed: !changes.isEmpty && done.status == .created,
            earlier: true
        )
    }

    /// A row after the run stopped: done earlier, or not run.
    private func carriedOrNotRun(_ row: RawRow) -> RowOutcome {
        let name = row.trimmedString(.name)
        let written = row.trimmedString(.sandbox)
        let sandbox = written.isEmpty ? run.configuration.defaultSandbox : written
        var outcome = RowOutcome(
            sequence: sequence,
            row: row.row,
            name: name,
            sandbox: sandbox,
            auth: AuthName.kind(of: ByteText.trimmed(row[.auth])),
            status: .notRun,
            extras: row.extras()
        )
        outcome = notRun(outcome)
        // A later row repeating a name is not the row the journal's entry is about.
        if duplicates.firstRow(repeatedBy: row.row) == nil, let done = resume?.entry(sandbox: sandbox, name: name)?.done
        {
            outcome.connectionID = done.connectionID
            outcome.etag = done.etag
            // `--if-exists update`: a row that differs from what its connection holds was not applied.
            if run.configuration.ifExists == .update, let request = run.validator.validate(row).request,
                done.secretFingerprint == nil || done.secretFingerprint != RowFingerprint.secrets(of: request, key: key)
                    || done.contentFingerprint != RowFingerprint.content(of: request)
            {
                return outcome
            }
            outcome.status = run.configuration.ifExists == .update ? .unchanged : done.status
            outcome.errorCode = nil
            outcome.error = nil
        }
        return outcome
    }

    /// A row the run did not reach, with why in `error`.
    private func notRun(_ outcome: RowOutcome) -> RowOutcome {
        var outcome = outcome
        switch run.stop.reason {
        case .interrupted:
            outcome.errorCode = "interrupted"
            outcome.error = "the run was interrupted before this row was sent"
        case .runError(let error):
            outcome.errorCode = "run-stopped"
            outcome.error = "the run stopped before this row was sent: \(error.message)"
        case nil:
            outcome.errorCode = "run-stopped"
            outcome.error = "the run stopped before this row was sent"
        }
        return outcome
    }

    private func event(
        _ kind: JournalRecord.Event,
        for request: ConnectionRequest,
        id: String,
        fingerprint: String,
        secretFingerprint: String?
    ) -> JournalRecord {
        var record = JournalRecord(event: kind, at: JournalClock.now())
        record.sandbox = request.sandbox
        record.name = request.name
        record.row = request.row
        record.id = id
        record.fp = fingerprint
        record.sfp = secretFingerprint
        return record
    }

    /// Records a worker's result; a run error stops the run.
    private func finish(_ result: RowWorker<C>.Result) throws {
        if let error = result.runError {
            run.stop.stop(.runError(error))
        }
        var outcome = result.outcome
        if outcome.status == .notRun { outcome = notRun(outcome) }
        var record: JournalRecord?
        switch outcome.status {
        case .created, .updated:
            var written = JournalRecord(event: outcome.status == .created ? .created : .updated, at: JournalClock.now())
            written.id = outcome.connectionID
            written.etag = outcome.etag
            written.requestId = outcome.requestID
            written.fp = result.contentFingerprint
            written.sfp = result.secretFingerprint
            record = written
        case .failed:
            var failed = JournalRecord(event: .failed, at: JournalClock.now())
            failed.code = outcome.errorCode
            failed.error = outcome.error
            failed.status = outcome.httpStatus
            failed.ambiguous = result.ambiguous
            failed.requestId = outcome.requestID
            record = failed
        default:
            record = nil
        }
        if var filled = record {
            filled.sandbox = outcome.sandbox
            filled.name = outcome.name
            filled.row = outcome.row
            record = filled
        }
        try self.record(outcome, event: record, recovered: result.recovered)
    }

    private func record(
        _ outcome: RowOutcome,
        event: JournalRecord?,
        recovered: Bool = false,
        changed: Bool = false,
        earlier: Bool = false
    ) throws {
        if let event { journal.append(event.encoded()) }
        try writer.add(outcome)
        run.statistics.record(outcome, recovered: recovered, changed: changed, earlier: earlier)
    }
}
