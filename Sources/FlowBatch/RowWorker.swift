import FlowBatchEngine
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import Logging

/// Takes one row from its first request to its outcome: a create through the one exactly-once
/// protocol (``ExactlyOnceCreate``: retried with backoff, `Retry-After` honoured for every worker, and
/// looked up before sending again after an ambiguous failure, so that no connection is created
/// twice), or a patch of its existing connection.
struct RowWorker<C: Clock>: Sendable where C.Duration == Duration {
    let client: FlowServiceClient
    let journal: JournalWriter
    /// Retries the row's creates and patches (``RequestPolicy/write``): with the run-wide
    /// budget, the adaptive window and the rate limit.
    let writes: Retrier<C>
    /// Retries the look-ups after an ambiguous answer (``RequestPolicy/read``): the client
    /// paces them page by page; they spend no budget and leave the window as it is.
    let reads: Retrier<C>
    let statistics: RunStatistics
    let stop: StopSignal
    /// Sandboxes the service refuses for every row: their rows fail without a request.
    let refusals: SandboxRefusals
    let logger: Logger
    /// `run --through source|flow`: what the chain's steps are made with.
    var specs: ChainSpecs?

    /// The row's outcome, and the run error it ran into, if any.
    struct Finished: Sendable {
        var outcome: RowOutcome
        var runError: RunError?
        /// Created, as a name look-up showed, by a request whose answer never came.
        var recovered = false
        /// The failed row's last request may have created the connection.
        var ambiguous = false
        /// The row's fingerprints, for the journal.
        var contentFingerprint = ""
        var secretFingerprint: String?
        /// An earlier run settled the row (statistics), and the row changed since.
        var earlier = false
        var changed = false
        /// This run's request created the row's base connection (looked up again at the end of the run).
        var createdNow = false
        /// The worker journaled the row's events itself (a chain's steps follow its base connection's).
        var journaled = false

        /// The journal event of the row's base connection, as the outcome says.
        var event: JournalEvent? {
            let row = JournalEvent.Row(sandbox: outcome.sandbox, name: outcome.name, row: outcome.row)
            func written(_ connection: RowOutcome.Connection, _ answer: RowOutcome.Answer) -> JournalEvent.Connection {
                JournalEvent.Connection(
                    content: contentFingerprint,
                    secrets: secretFingerprint,
                    id: connection.id,
                    etag: connection.etag,
                    requestID: answer.requestID
                )
            }
            return switch outcome.result {
            case .created(let connection, let answer, _): .created(row, written(connection, answer))
            case .updated(let connection, let answer): .updated(row, written(connection, answer))
            case .failed(let note, let answer, _):
                .failed(
                    row,
                    .init(
                        code: note.code,
                        error: note.message,
                        status: answer.httpStatus,
                        ambiguous: ambiguous,
                        requestID: answer.requestID
                    )
                )
            case .exists, .unchanged, .invalid, .notRun: nil
            }
        }
    }

    func process(_ job: RowJob) async -> Finished {
        var state = Progress(job: job, started: ContinuousClock.now)
        var result: Finished
        do {
            result = try await run(job, &state)
        } catch {
            // A run error before the row's first request (IMS issued no token) leaves it not-run; so
            // does an outage past --outage-limit: its request, if sent, has no answer, and its journal
            // line has the next run look it up first.
            result =
                state.attempts == 0 || error.code == .serviceUnreachable
                ? state.notRun()
                : state.failed(state.lastFailure ?? RunError(error.code, error.message))
            result.runError = error
            result.ambiguous = state.ambiguous
        }
        result.contentFingerprint = job.contentFingerprint
        result.secretFingerprint = job.secretFingerprint
        if job.operation == .create, case .created = result.outcome.result { result.createdNow = true }
        if let plan = job.chain, let specs, result.runError == nil, result.outcome.status.isDone,
            let connection = result.outcome.connection
        {
            return await carryOn(job, plan, specs: specs, from: result, connection: connection, started: state.started)
        }
        return result
    }

    /// The rest of the row's chain, once its base connection is done: the outcome is the row's.
    private func carryOn(
        _ job: RowJob,
        _ plan: ChainPlan,
        specs: ChainSpecs,
        from base: Finished,
        connection: RowOutcome.Connection,
        started: ContinuousClock.Instant
    ) async -> Finished {
        var result = base
        // The base connection's line goes ahead of the chain's (a settled one's went with the batch).
        if case .settled = job.operation {
        } else if let event = base.event {
            journal.append(JournalRecord(event).encoded())
        }
        result.journaled = true
        let steps = ChainSteps(
            creates: ExactlyOnceCreate(
                client: client,
                writes: writes,
                reads: reads,
                refusals: refusals,
                statistics: statistics,
                logger: logger
            ),
            client: client,
            journal: journal,
            specs: specs
        )
        let fresh = job.operation == .create && !base.recovered && base.outcome.status == .created
        let end = await steps.run(
            plan,
            row: JournalEvent.Row(sandbox: base.outcome.sandbox, name: base.outcome.name, row: base.outcome.row),
            sandbox: base.outcome.sandbox,
            connectionID: connection.id,
            fresh: fresh
        )
        var outcome = base.outcome
        outcome.chain = end.chain
        outcome.attempts += end.attempts
        outcome.durationMS = (ContinuousClock.now - started).milliseconds
        func failed(_ step: ChainStep, _ failure: RunError) {
            outcome.chain.failedStep = step
            let note = RowOutcome.Note(
                code: failure.resultCode,
                message: "the \(ResourceKind.of(step).noun) was not created: \(failure.message)"
            )
            let answer = RowOutcome.Answer(httpStatus: failure.httpStatus, requestID: failure.requestID)
            outcome.result = .failed(note, answer, connection: connection)
        }
        switch end.ending {
        case .complete:
            switch outcome.result {
            case .exists(_, let note) where end.createdAny, .unchanged(_, let note) where end.createdAny:
                outcome.result = .created(connection, end.answer, note: note)
            default:
                break
            }
        case .failed(let step, let failure, let ambiguous):
            failed(step, failure)
            result.ambiguous = ambiguous
        case .notRun:
            outcome.result = .notRun(.notRun(nil), connection: connection)
            outcome.durationMS = nil
        case .runError(let step, let error, let ambiguous):
            result.runError = error
            if end.attempts == 0 || error.code == .serviceUnreachable {
                outcome.result = .notRun(.notRun(nil), connection: connection)
            } else {
                failed(step, error)
                result.ambiguous = ambiguous
            }
        }
        result.outcome = outcome
        result.recovered = base.recovered || end.recovered
        result.earlier = base.earlier && !end.createdAny
        return result
    }

    private func run(_ job: RowJob, _ state: inout Progress) async throws(RunError) -> Finished {
        if case .settled(let settled) = job.operation {
            var finished = Finished(outcome: settled.outcome, recovered: settled.recovered)
            (finished.earlier, finished.changed) = (settled.earlier, settled.changed)
            return finished
        }
        guard job.operation == .create else { return try await update(job, &state) }
        let creates = ExactlyOnceCreate(
            client: client,
            writes: writes,
            reads: reads,
            refusals: refusals,
            statistics: statistics,
            logger: logger
        )
        var tries = ExactlyOnceCreate<C>.Tries()
        tries.ambiguous = job.lookUpFirst
        let end: ExactlyOnceCreate<C>.End
        do {
            end = try await creates.run(job.create, &tries) { (number) async throws(RunError) in
                try await client.ensureToken()
                if number > 1 {
                    // The first attempt was journaled, on disk, before the row was handed out; a retry
                    // adds nothing recovery needs, so its line is not waited for.
                    journal.append(job.attemptRecord(attempt: number))
                }
            }
        } catch {
            (state.attempts, state.ambiguous, state.lastFailure) = (tries.attempts, tries.ambiguous, tries.lastFailure)
            throw error
        }
        (state.attempts, state.ambiguous, state.lastFailure) = (tries.attempts, tries.ambiguous, tries.lastFailure)
        switch end {
        case .created(let id, let etag, let status, let requestID, let recovered):
            return state.created(id: id, etag: etag, status: status, requestID: requestID, recovered: recovered)
        case .failed(let failure):
            return state.failed(failure)
        case .notRun:
            return state.notRun()
        }
    }

    /// A patch of the row's connection: sent again as it is after any failure (a patch is
    /// idempotent), so it never calls for a look-up.
    private func update(_ job: RowJob, _ state: inout Progress) async throws(RunError) -> Finished {
        let end = try await writes.run(before: { () async throws(RunError) -> Finished? in
            refusals.failure(for: job.request.sandbox).map { state.failed($0) }
        }) { (number) async throws(RunError) -> TryVerdict<Finished> in
            try await client.ensureToken()
            state.attempts = number
            if number > 1 { journal.append(job.attemptRecord(attempt: number)) }
            return try await patch(job, &state)
        }
        switch end {
        case .done(let result): return result
        case .gaveUp(let reason): return state.failed(reason.failure)
        case .stopped: return state.notRun()
        }
    }

    /// One try of a patch, reading the connection's etag first when none is known, and once more
    /// when the one sent was stale.
    private func patch(_ job: RowJob, _ state: inout Progress) async throws(RunError) -> TryVerdict<Finished> {
        guard case .update(let id, let known, _) = job.operation else { preconditionFailure("a patch of no update") }
        while true {
            statistics.requestStarted()
            let sent = ContinuousClock.now
            let written: CreatedConnection
            do {
                if state.etag == nil, let known, state.rereads == 0 { state.etag = known }
                guard let etag = state.etag else {
                    // No etag known, or the one sent was stale: read the connection as it is now.
                    let current = try await client.connection(id: id, sandbox: job.request.sandbox)
                    statistics.requestFinished(after: ContinuousClock.now - sent)
                    guard let current else {
                        return .done(
                            state.failed(
                                RunError(
                                    .connectionGone,
                                    "the connection \(id) no longer exists; it was not created again"
                                )
                            )
                        )
                    }
                    state.etag = current.etag ?? ""
                    continue
                }
                written = try await client.patch(
                    id: id,
                    etag: etag,
                    body: job.body,
                    sandbox: job.request.sandbox,
                    rowSecrets: job.request.credentials.secrets
                )
            } catch {
                let disposition = try AnswerClassifier.classify(error, sandbox: job.request.sandbox)
                statistics.requestFinished(after: ContinuousClock.now - sent)
                switch disposition {
                case .rowError(let failure) where failure.httpStatus == 412 && state.rereads == 0:
                    // Changed behind flowbatch's back since its etag was read: read it again and patch
                    // once more. The spreadsheet wins.
                    state.rereads += 1
                    state.etag = nil
                    continue
                case .rowError(let failure):
                    return .done(state.failed(failure))
                case .sandboxError(let failure):
                    refusals.refuse(job.request.sandbox, failure)
                    return .done(state.failed(failure))
                case .runError(let error):
                    state.lastFailure = RunError(
                        error.code,
                        error.message,
                        serviceCode: error.serviceCode,
                        requestID: error.requestID
                    )
                    throw error
                case .transient(let reason, _):
                    state.lastFailure = reason.failure
                    return .again(reason)
                }
            }
            statistics.requestFinished(after: ContinuousClock.now - sent)
            return .done(
                state.updated(id: id, etag: written.etag, status: written.status, requestID: written.requestID)
            )
        }
    }

    /// What one row has been through so far.
    private struct Progress {
        let job: RowJob
        let started: ContinuousClock.Instant
        var attempts = 0
        var ambiguous = false
        var lastFailure: RunError?
        /// For an update: the etag to send (`nil` until known), and how often a stale one was re-read.
        var etag: String?
        var rereads = 0

        init(job: RowJob, started: ContinuousClock.Instant) {
            self.job = job
            self.started = started
        }

        /// The row's outcome, with what this run did for it so far.
        private func outcome(_ result: RowOutcome.Result) -> RowOutcome {
            RowOutcome(
                sequence: job.sequence,
                row: job.request.row,
                name: job.request.name,
                sandbox: job.request.sandbox,
                auth: job.request.credentials.kind,
                result,
                attempts: attempts,
                durationMS: (ContinuousClock.now - started).milliseconds,
                extras: job.extras
            )
        }

        /// An update's row keeps its connection's ID whatever happens: no ID may go missing from the results.
        private var updating: RowOutcome.Connection? {
            job.updating.map { .init(id: $0.id, etag: etag ?? $0.etag) }
        }

        func created(id: String, etag: String?, status: Int?, requestID: String?, recovered: Bool = false) -> Finished {
            let answer = RowOutcome.Answer(httpStatus: status, requestID: requestID)
            return Finished(outcome: outcome(.created(.init(id: id, etag: etag), answer)), recovered: recovered)
        }

        func updated(id: String, etag: String?, status: Int?, requestID: String?) -> Finished {
            let answer = RowOutcome.Answer(httpStatus: status, requestID: requestID)
            return Finished(outcome: outcome(.updated(.init(id: id, etag: etag), answer)))
        }

        func failed(_ failure: RunError) -> Finished {
            let message = failure.message
            let answer = RowOutcome.Answer(httpStatus: failure.httpStatus, requestID: failure.requestID)
            return Finished(
                outcome: outcome(
                    .failed(.init(code: failure.resultCode, message: message), answer, connection: updating)
                ),
                ambiguous: ambiguous
            )
        }

        func notRun() -> Finished {
            var outcome = outcome(.notRun(.notRun(nil), connection: updating))
            outcome.durationMS = nil
            return Finished(outcome: outcome)
        }
    }
}
