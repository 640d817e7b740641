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
    let clock: C
    let policy: RetryPolicy
    let budget: RetryBudget
    let concurrency: ConcurrencyLimit
    let gate: PauseGate<C>
    /// Paces creates (the client paces every other request), before an attempt counts.
    let rateLimiter: RateLimiter<C>?
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

    private typealias Failure = AnswerClassifier.Failure

    func process(_ job: RowJob) async -> Result {
        var state = Progress(job: job, started: ContinuousClock.now)
        var result: Result
        do {
            result = try await run(job, &state)
        } catch {
            // A run error before the row's first request (IMS issued no token) leaves it not-run.
            result =
                state.attempts == 0
                ? state.notRun()
                : state.failed(state.lastFailure ?? Failure(code: error.code.rawValue, message: error.message))
            result.runError = error
            result.ambiguous = state.ambiguous
        }
        result.contentFingerprint = job.contentFingerprint
        result.secretFingerprint = job.secretFingerprint
        return result
    }

    private func run(_ job: RowJob, _ state: inout Progress) async throws(RunError) -> Result {
        var generator = SystemRandomNumberGenerator()
        while true {
            // Only a create can leave a connection behind unseen; a patch is sent again as it is.
            if state.ambiguous, job.operation == .create {
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
                case .unknown(let failure):
                    var result = state.failed(
                        Failure(
                            code: "outcome-unknown",
                            message:
                                "could not tell whether an earlier request created the connection (\(failure.message));"
                                + " it was not sent again, to avoid a duplicate",
                            httpStatus: failure.httpStatus,
                            requestID: failure.requestID
                        )
                    )
                    result.ambiguous = true
                    return result
                }
            }
            if stop.isStopping {
                // Stopped between tries of a request that created nothing (a 429, no connection): the
                // row was not run. One whose last answer was ambiguous stays failed, to be looked up.
                return state.attempts == 0 || !state.ambiguous
                    ? state.notRun() : state.failed(state.lastFailure!, stoppedEarly: true)
            }
            if let refused = refusals.failure(for: job.request.sandbox) { return state.failed(refused) }
            if gate.isPaused {
                guard await stop.unlessStopped({ try await gate.wait() }) else { continue }
            }
            if let rateLimiter {
                guard await stop.unlessStopped({ try await rateLimiter.acquire() }) else { continue }
            }
            try await client.ensureToken()
            state.attempts += 1
            if state.attempts > 1 {
                // The first attempt was journaled, on disk, before the row was handed out; a retry
                // adds nothing recovery needs, so its line is not waited for.
                journal.append(job.attemptRecord(attempt: state.attempts))
            }
            statistics.requestStarted()
            let sent = ContinuousClock.now
            let answer: ServiceAnswer
            do {
                switch job.operation {
                case .create:
                    answer = try await client.create(
                        body: job.body,
                        sandbox: job.request.sandbox,
                        rowSecrets: job.request.credentials.secrets
                    )
                case .update(let id, let known):
                    if state.etag == nil, let known, state.rereads == 0 { state.etag = known }
                    if let etag = state.etag {
                        answer = try await client.patch(
                            id: id,
                            etag: etag,
                            body: job.body,
                            sandbox: job.request.sandbox,
                            rowSecrets: job.request.credentials.secrets
                        )
                    } else {
                        // No etag known, or the one sent was stale: read the connection as it is now.
                        switch try await client.connection(id: id, sandbox: job.request.sandbox) {
                        case .success(let current?):
                            state.etag = current.etag ?? ""
                            statistics.requestFinished(after: ContinuousClock.now - sent)
                            continue
                        case .success(nil):
                            statistics.requestFinished(after: ContinuousClock.now - sent)
                            return state.failed(
                                Failure(
                                    code: "connection-gone",
                                    message: "the connection \(id) no longer exists; it was not created again"
                                )
                            )
                        case .failure(.refused(let failure)): answer = .refused(failure)
                        case .failure(.transport(let failure)): answer = .transport(failure)
                        case .failure(.unreadable(let reason)):
                            answer = .unreadableSuccess(status: 200, requestID: nil, reason: reason)
                        }
                    }
                }
            } catch {
                statistics.requestFinished(after: ContinuousClock.now - sent)
                throw error
            }
            statistics.requestFinished(after: ContinuousClock.now - sent)
            switch AnswerClassifier.classify(answer, sandbox: job.request.sandbox) {
            case .created(let created):
                concurrency.succeeded()
                budget.recordSuccess()
                if case .update(let id, _) = job.operation {
                    return state.updated(
                        id: id,
                        etag: created.etag,
                        status: created.status,
                        requestID: created.requestID
                    )
                }
                return state.created(
                    id: created.id,
                    etag: created.etag,
                    status: created.status,
                    requestID: created.requestID
                )
            case .rowError(let failure) where failure.httpStatus == 412 && state.rereads == 0:
                // Changed behind flowbatch's back since its etag was read: read it again and patch once
                // more. The spreadsheet wins.
                budget.recordSuccess()
                state.rereads += 1
                state.etag = nil
                continue
            case .rowError(let failure):
                budget.recordSuccess()
                return state.failed(failure)
            case .sandboxError(let failure):
                refusals.refuse(job.request.sandbox, failure)
                return state.failed(failure)
            case .runError(let error):
                state.lastFailure = Failure(
                    code: error.serviceCode ?? error.code.rawValue,
                    message: error.message,
                    httpStatus: nil,
                    requestID: error.requestID
                )
                throw error
            case .transient(let failure, let ambiguous, let throttled, let retryAfter):
                state.lastFailure = failure
                state.ambiguous = ambiguous && job.operation == .create
                let retry: Int
                if throttled {
                    state.throttles += 1
                    concurrency.throttled()
                    if let retryAfter { gate.pause(until: clock.now.advanced(by: .seconds(retryAfter))) }
                    if state.throttles > policy.maxThrottledAttempts { return state.failed(failure) }
                    retry = state.throttles
                } else {
                    state.failures += 1
                    if state.failures >= policy.maxAttempts {
                        return try await giveUp(job, &state, failure)
                    }
                    guard budget.tryRetry() else {
                        let (retries, successes) = budget.counts
                        throw RunError(
                            .retryBudgetSpent,
                            "too many requests are failing (\(retries) retries against \(successes) successes; the last: \(failure.message));"
                                + " the service looks unhealthy, so the run stopped. Run the same command again later to resume"
                        )
                    }
                    retry = state.failures
                }
                let delay = policy.delay(beforeRetry: retry, retryAfter: retryAfter, using: &generator)
                logger.debug(
                    "row \(job.request.row): \(failure.code), retrying",
                    metadata: ["delay-ms": "\(delay.milliseconds)", "ambiguous": "\(ambiguous)"]
                )
                statistics.retrying(1)
                _ = await stop.unlessStopped { [clock] in try await clock.sleep(for: delay) }
                statistics.retrying(-1)
            }
        }
    }

    /// Out of attempts: an ambiguous last failure is looked up once more before the row is failed.
    private func giveUp(_ job: RowJob, _ state: inout Progress, _ failure: Failure) async throws(RunError) -> Result {
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
        case .unknown:
            var result = state.failed(failure)
            result.ambiguous = true
            return result
        }
    }

    private enum LookUp {
        case found(FlowServiceClient.Listed)
        case absent
        case unknown(Failure)
    }

    /// Finds a connection with the row's name that did not exist before flowbatch sent the row.
    private func lookUp(_ job: RowJob) async throws(RunError) -> LookUp {
        var generator = SystemRandomNumberGenerator()
        var lastFailure = Failure(code: "lookup-failed", message: "no answer", httpStatus: nil, requestID: nil)
        for attempt in 1...max(1, policy.maxAttempts) {
            if gate.isPaused {
                guard await stop.unlessStopped({ try await gate.wait() }) else { return .unknown(lastFailure) }
            }
            let answer = try await client.connections(named: job.request.name, sandbox: job.request.sandbox)
            var retryAfter: Double?
            switch answer {
            case .success(let items):
                let ours = items.filter { !job.preexisting.contains($0.id) }
                    .sorted { ($0.createdAt ?? .max, $0.id) < ($1.createdAt ?? .max, $1.id) }
                if ours.count > 1 {
                    logger.warning(
                        "row \(job.request.row): \(ours.count) connections named \"\(job.request.name)\" appeared; using the oldest"
                    )
                }
                return ours.first.map(LookUp.found) ?? .absent
            case .failure(.refused(let failure)):
                switch AnswerClassifier.classify(failure, sandbox: job.request.sandbox) {
                case .runError(let error): throw error
                case .transient(let reported, _, let throttled, let after):
                    lastFailure = reported
                    retryAfter = after
                    if throttled {
                        concurrency.throttled()
                        if let after { gate.pause(until: clock.now.advanced(by: .seconds(after))) }
                    }
                case .rowError(let reported), .sandboxError(let reported):
                    // The look-up itself was refused; asking again will not help.
                    return .unknown(reported)
                case .created:
                    return .unknown(lastFailure)
                }
            case .failure(.transport(let failure)):
                lastFailure = Failure(
                    code: failure.kind.rawValue,
                    message: failure.message,
                    httpStatus: nil,
                    requestID: nil
                )
            case .failure(.unreadable(let reason)):
                lastFailure = Failure(code: "malformed-response", message: reason, httpStatus: nil, requestID: nil)
            }
            if attempt < policy.maxAttempts {
                let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter, using: &generator)
                guard await stop.unlessStopped({ [clock] in try await clock.sleep(for: delay) }) else {
                    return .unknown(lastFailure)
                }
            }
        }
        return .unknown(lastFailure)
    }

    /// What one row has been through so far.
    private struct Progress {
        let job: RowJob
        let started: ContinuousClock.Instant
        var attempts = 0
        var failures = 0
        var throttles = 0
        var ambiguous = false
        var lastFailure: Failure?
        /// For an update: the etag to send (`nil` until known), and how often a stale one was re-read.
        var etag: String?
        var rereads = 0

        init(job: RowJob, started: ContinuousClock.Instant) {
            self.job = job
            self.started = started
        }

        /// An update's row keeps its connection's ID whatever happens: no ID may go missing from the results.
        private func base(_ status: RowStatus) -> RowOutcome {
            var outcome = RowOutcome(
                sequence: job.sequence,
                row: job.request.row,
                name: job.request.name,
                sandbox: job.request.sandbox,
                auth: job.request.credentials.kind,
                status: status,
                attempts: attempts,
                durationMS: (ContinuousClock.now - started).milliseconds,
                extras: job.extras
            )
            if case .update(let id, let known) = job.operation {
                outcome.connectionID = id
                outcome.etag = etag ?? known
            }
            return outcome
        }

        func created(id: String, etag: String?, status: Int?, requestID: String?, recovered: Bool = false) -> Result {
            var outcome = base(.created)
            outcome.connectionID = id
            outcome.etag = etag
            outcome.httpStatus = status
            outcome.requestID = requestID
            return Result(outcome: outcome, recovered: recovered)
        }

        func updated(id: String, etag: String?, status: Int?, requestID: String?) -> Result {
            var outcome = base(.updated)
            outcome.connectionID = id
            outcome.etag = etag
            outcome.httpStatus = status
            outcome.requestID = requestID
            return Result(outcome: outcome)
        }

        func failed(_ failure: Failure, stoppedEarly: Bool = false) -> Result {
            var outcome = base(.failed)
            outcome.errorCode = failure.code
            outcome.error = stoppedEarly ? failure.message + " (the run stopped before retrying)" : failure.message
            outcome.httpStatus = failure.httpStatus
            outcome.requestID = failure.requestID
            return Result(outcome: outcome, ambiguous: ambiguous)
        }

        func notRun() -> Result {
            var outcome = base(.notRun)
            outcome.durationMS = nil
            return Result(outcome: outcome)
        }
    }
}
