import FlowBatchEngine
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import Logging

/// Takes one row from its first request to its outcome: sends it, retries transient failures with
/// backoff, honours `Retry-After` for every worker, and before sending again after an ambiguous
/// failure looks the name up, so that no connection is created twice.
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

    /// The row's outcome, and the run error it ran into, if any.
    struct Result: Sendable {
        var outcome: RowOutcome
        var runError: RunError?
        /// Created, as a name look-up showed, by a request whose answer never came.
        var recovered = false
        /// The failed row's last request may have created the connection.
        var ambiguous = false
        /// The row's fingerprints, for the journal.
        var contentFingerprint = ""
        var secretFingerprint: String?
    }

    func process(_ job: RowJob) async -> Result {
        var state = Progress(job: job, started: ContinuousClock.now)
        var result: Result
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
        return result
    }

    private func run(_ job: RowJob, _ state: inout Progress) async throws(RunError) -> Result {
        let end = try await writes.run(before: { () async throws(RunError) -> Result? in
            if let refused = refusals.failure(for: job.request.sandbox) { return state.failed(refused) }
            // Only a create can leave a connection behind unseen; a patch is sent again as it is.
            guard state.ambiguous, job.operation == .create else { return nil }
            switch try await lookUp(job) {
            case .found(let listed):
                return state.created(
                    id: listed.id,
                    etag: nil,
                    status: state.lastFailure?.httpStatus,
                    requestID: nil,
                    recovered: true
                )
            case .absent:
                state.ambiguous = false
                return nil
            case .stopped:
                // Its request may have created the connection: the journal's attempt line has the
                // next run look it up first.
                return state.notRun()
            case .unknown(let failure):
                var result = state.failed(
                    RunError(
                        .outcomeUnknown,
                        "could not tell whether an earlier request created the connection (\(failure.message));"
                            + " it was not sent again, to avoid a duplicate",
                        httpStatus: failure.httpStatus,
                        requestID: failure.requestID
                    )
                )
                result.ambiguous = true
                return result
            }
        }) { (number) async throws(RunError) -> TryVerdict<Result> in
            try await client.ensureToken()
            state.attempts = number
            if number > 1 {
                // The first attempt was journaled, on disk, before the row was handed out; a retry
                // adds nothing recovery needs, so its line is not waited for.
                journal.append(job.attemptRecord(attempt: number))
            }
            return try await send(job, &state)
        }
        switch end {
        case .done(let result):
            return result
        case .gaveUp(let reason):
            return try await giveUp(job, &state, reason.failure)
        case .stopped(let reason):
            // Stopped between tries of a request that created nothing (a 429, no connection): the
            // row was not run. One whose last answer was ambiguous stays failed, to be looked up.
            guard let reason, state.ambiguous else { return state.notRun() }
            return state.failed(reason.failure, stoppedEarly: true)
        }
    }

    /// One try of the row's request: a create, or a patch (reading the connection's etag first when
    /// none is known, and once more when the one sent was stale).
    private func send(_ job: RowJob, _ state: inout Progress) async throws(RunError) -> TryVerdict<Result> {
        while true {
            statistics.requestStarted()
            let sent = ContinuousClock.now
            let written: CreatedConnection
            do {
                switch job.operation {
                case .create:
                    written = try await client.create(
                        body: job.body,
                        sandbox: job.request.sandbox,
                        rowSecrets: job.request.credentials.secrets
                    )
                case .update(let id, let known, _):
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
                }
            } catch {
                let disposition = try AnswerClassifier.classify(error, sandbox: job.request.sandbox)
                statistics.requestFinished(after: ContinuousClock.now - sent)
                if case .rowError(let failure) = disposition, failure.httpStatus == 412, state.rereads == 0 {
                    // Changed behind flowbatch's back since its etag was read: read it again and patch once
                    // more. The spreadsheet wins.
                    state.rereads += 1
                    state.etag = nil
                    continue
                }
                return try verdict(on: disposition, job, &state)
            }
            statistics.requestFinished(after: ContinuousClock.now - sent)
            if case .update(let id, _, _) = job.operation {
                return .done(
                    state.updated(id: id, etag: written.etag, status: written.status, requestID: written.requestID)
                )
            }
            return .done(
                state.created(id: written.id, etag: written.etag, status: written.status, requestID: written.requestID)
            )
        }
    }

    private func verdict(
        on disposition: AnswerClassifier.Disposition,
        _ job: RowJob,
        _ state: inout Progress
    ) throws(RunError) -> TryVerdict<Result> {
        switch disposition {
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
        case .transient(let reason, let ambiguous):
            state.lastFailure = reason.failure
            state.ambiguous = ambiguous && job.operation == .create
            return .again(reason)
        }
    }

    /// Out of attempts: an ambiguous last failure is looked up once more before the row is failed.
    private func giveUp(_ job: RowJob, _ state: inout Progress, _ failure: RunError) async throws(RunError) -> Result {
        guard state.ambiguous else { return state.failed(failure) }
        switch try await lookUp(job) {
        case .found(let listed):
            return state.created(
                id: listed.id,
                etag: nil,
                status: failure.httpStatus,
                requestID: failure.requestID,
                recovered: true
            )
        case .absent:
            state.ambiguous = false
            return state.failed(failure)
        case .stopped:
            return state.notRun()
        case .unknown:
            var result = state.failed(failure)
            result.ambiguous = true
            return result
        }
    }

    private enum LookUp: Sendable {
        case found(FlowServiceClient.Listed)
        case absent
        case unknown(RunError)
        /// The run stopped before the look-up could tell.
        case stopped
    }

    /// Finds a connection with the row's name that did not exist before flowbatch sent the row,
    /// retried like any request; `unknown` only when the look-up itself runs out of attempts or is
    /// refused.
    private func lookUp(_ job: RowJob) async throws(RunError) -> LookUp {
        let end = try await reads.run { (_) async throws(RunError) -> TryVerdict<LookUp> in
            let items: [FlowServiceClient.Listed]
            do throws(RunError) {
                items = try await client.connections(named: job.request.name, sandbox: job.request.sandbox)
            } catch  where error.code == .stopped {
                return .done(.stopped)
            } catch  where error.code == .malformedResponse {
                return .again(RetryReason(RunError(.malformedResponse, error.message)))
            } catch {
                switch try AnswerClassifier.classify(error, sandbox: job.request.sandbox) {
                case .runError(let error): throw error
                case .transient(let reason, _): return .again(reason)
                case .rowError(let reported), .sandboxError(let reported):
                    // The look-up itself was refused; asking again will not help.
                    return .done(.unknown(reported))
                }
            }
            let ours = items.filter { !job.preexisting.contains($0.id) }
                .sorted { ($0.createdAt ?? .max, $0.id) < ($1.createdAt ?? .max, $1.id) }
            if ours.count > 1 {
                logger.warning(
                    "row \(job.request.row): \(ours.count) connections named \"\(job.request.name)\" appeared; using the oldest"
                )
            }
            return .done(ours.first.map(LookUp.found) ?? .absent)
        }
        switch end {
        case .done(let found): return found
        case .gaveUp(let reason): return .unknown(reason.failure)
        case .stopped:
            return .stopped
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

        func created(id: String, etag: String?, status: Int?, requestID: String?, recovered: Bool = false) -> Result {
            let answer = RowOutcome.Answer(httpStatus: status, requestID: requestID)
            return Result(outcome: outcome(.created(.init(id: id, etag: etag), answer)), recovered: recovered)
        }

        func updated(id: String, etag: String?, status: Int?, requestID: String?) -> Result {
            let answer = RowOutcome.Answer(httpStatus: status, requestID: requestID)
            return Result(outcome: outcome(.updated(.init(id: id, etag: etag), answer)))
        }

        func failed(_ failure: RunError, stoppedEarly: Bool = false) -> Result {
            let message = stoppedEarly ? failure.message + " (the run stopped before retrying)" : failure.message
            let answer = RowOutcome.Answer(httpStatus: failure.httpStatus, requestID: failure.requestID)
            return Result(
                outcome: outcome(
                    .failed(.init(code: failure.resultCode, message: message), answer, connection: updating)
                ),
                ambiguous: ambiguous
            )
        }

        func notRun() -> Result {
            var outcome = outcome(.notRun(.notRun(nil), connection: updating))
            outcome.durationMS = nil
            return Result(outcome: outcome)
        }
    }
}
