import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI
import Logging

/// The exactly-once create of one resource of any kind (``ResourceKind``), written once: the
/// caller has journaled the attempt, on disk, before the first try; then each try is sent, its
/// failure classified (``AnswerClassifier``), and after an answer that may have created the resource
/// (a timeout or reset after sending, 500, 502, 503, 504) the kind's look-up runs, as a request of
/// its own, before anything is sent again; out of attempts, it runs once more. What it finds that did
/// not exist before (``ResourceCreate/mayHaveMade(_:)``) is the create's own, newest first.
///
/// It lives in the use-case module because it meets the client (API), the classifier and retrier
/// (Engine) and the caller's journal lines; a module of its own would import the same three.
struct ExactlyOnceCreate<C: Clock>: Sendable where C.Duration == Duration {
    let client: FlowServiceClient
    /// ``RequestPolicy/write``: budget, window, pace.
    let writes: Retrier<C>
    /// ``RequestPolicy/read``: for the look-ups.
    let reads: Retrier<C>
    /// Sandboxes the service refuses for every row: their creates fail without a request.
    let refusals: SandboxRefusals
    let statistics: RunStatistics
    let logger: Logger

    /// What the tries so far came to.
    struct Tries: Sendable {
        var attempts = 0
        /// The last answer may have created the resource: look it up before anything else.
        var ambiguous = false
        var lastFailure: RunError?
    }

    /// How a create ended; ``Tries/ambiguous`` tells whether a failed one may still have created it.
    enum End: Sendable {
        case created(id: String, etag: String?, status: Int?, requestID: String?, recovered: Bool)
        /// Refused, out of tries, or stopped between the tries of an ambiguous answer (the message says so).
        case failed(RunError)
        case notRun
    }

    /// Creates `create`'s resource at most once; `beforeEachTry` runs ahead of try number N (a token,
    /// the journal line of a retry). Throws a run error, with `tries` as far as they got.
    func run(
        _ create: ResourceCreate,
        _ tries: inout Tries,
        beforeEachTry: (Int) async throws(RunError) -> Void
    ) async throws(RunError) -> End {
        let end = try await writes.run(before: { () async throws(RunError) -> End? in
            if let refused = refusals.failure(for: create.sandbox) { return .failed(refused) }
            guard tries.ambiguous else { return nil }
            switch try await lookUp(create) {
            case .found(let listed):
                return .created(
                    id: listed.id,
                    etag: nil,
                    status: tries.lastFailure?.httpStatus,
                    requestID: nil,
                    recovered: true
                )
            case .absent:
                tries.ambiguous = false
                return nil
            case .stopped:
                // Its request may have created the resource: the journal's attempt line has the next
                // run look it up first.
                return .notRun
            case .unknown(let failure):
                return .failed(
                    RunError(
                        .outcomeUnknown,
                        "could not tell whether an earlier request created the \(create.kind.noun) (\(failure.message));"
                            + " it was not sent again, to avoid a duplicate",
                        httpStatus: failure.httpStatus,
                        requestID: failure.requestID
                    )
                )
            }
        }) { (number) async throws(RunError) -> TryVerdict<End> in
            try await beforeEachTry(number)
            tries.attempts = number
            return try await send(create, &tries)
        }
        switch end {
        case .done(let end):
            return end
        case .gaveUp(let reason):
            return try await giveUp(create, &tries, reason.failure)
        case .stopped(let reason):
            // Stopped between tries of a request that created nothing (a 429, no resource): not run.
            // One whose last answer was ambiguous stays failed, to be looked up.
            guard let reason, tries.ambiguous else { return .notRun }
            return .failed(reason.failure.stoppedBeforeRetrying)
        }
    }

    /// One try: the `POST`, and what its failure means.
    private func send(_ create: ResourceCreate, _ tries: inout Tries) async throws(RunError) -> TryVerdict<End> {
        statistics.requestStarted()
        let sent = ContinuousClock.now
        let written: CreatedConnection
        do {
            written = try await client.create(create)
        } catch {
            let disposition = try AnswerClassifier.classify(error, sandbox: create.sandbox)
            statistics.requestFinished(after: ContinuousClock.now - sent)
            switch disposition {
            case .rowError(let failure):
                return .done(.failed(failure))
            case .sandboxError(let failure):
                refusals.refuse(create.sandbox, failure)
                return .done(.failed(failure))
            case .runError(let error):
                tries.lastFailure = RunError(
                    error.code,
                    error.message,
                    serviceCode: error.serviceCode,
                    requestID: error.requestID
                )
                throw error
            case .transient(let reason, let ambiguous):
                tries.lastFailure = reason.failure
                tries.ambiguous = ambiguous
                return .again(reason)
            }
        }
        statistics.requestFinished(after: ContinuousClock.now - sent)
        return .done(
            .created(
                id: written.id,
                etag: written.etag,
                status: written.status,
                requestID: written.requestID,
                recovered: false
            )
        )
    }

    /// Out of attempts: an ambiguous last failure is looked up once more before the create fails.
    private func giveUp(
        _ create: ResourceCreate,
        _ tries: inout Tries,
        _ failure: RunError
    ) async throws(RunError)
        -> End
    {
        guard tries.ambiguous else { return .failed(failure) }
        switch try await lookUp(create) {
        case .found(let listed):
            return .created(
                id: listed.id,
                etag: nil,
                status: failure.httpStatus,
                requestID: failure.requestID,
                recovered: true
            )
        case .absent:
            tries.ambiguous = false
            return .failed(failure)
        case .stopped:
            return .notRun
        case .unknown:
            return .failed(failure)
        }
    }

    private enum LookUp: Sendable {
        case found(FlowServiceClient.Listed)
        case absent
        case unknown(RunError)
        /// The run stopped before the look-up could tell.
        case stopped
    }

    /// Finds a resource the create may have made that did not exist before it was sent, retried like
    /// any request; `unknown` only when the look-up itself runs out of attempts or is refused.
    private func lookUp(_ create: ResourceCreate) async throws(RunError) -> LookUp {
        let end = try await reads.run { (_) async throws(RunError) -> TryVerdict<LookUp> in
            let items: [FlowServiceClient.Listed]
            do throws(RunError) {
                items = try await client.resources(matching: create)
            } catch  where error.code == .stopped {
                return .done(.stopped)
            } catch  where error.code == .malformedResponse {
                return .again(RetryReason(RunError(.malformedResponse, error.message)))
            } catch {
                switch try AnswerClassifier.classify(error, sandbox: create.sandbox) {
                case .runError(let error): throw error
                case .transient(let reason, _): return .again(reason)
                case .rowError(let reported), .sandboxError(let reported):
                    // The look-up itself was refused; asking again will not help.
                    return .done(.unknown(reported))
                }
            }
            // Newest first: the create's own was made after its request left, so after any other made
            // before then (by someone else, since the run's listing or the sandbox's newest at its start).
            let ours = items.filter(create.mayHaveMade)
                .sorted { ($0.createdAt ?? .min, $0.id) > ($1.createdAt ?? .min, $1.id) }
            if ours.count > 1 {
                logger.warning(
                    "\(ours.count) \(create.kind.noun)s named \"\(create.name)\" appeared in \(create.sandbox); using the newest"
                )
            }
            return .done(ours.first.map(LookUp.found) ?? .absent)
        }
        switch end {
        case .done(let found): return found
        case .gaveUp(let reason): return .unknown(reason.failure)
        case .stopped: return .stopped
        }
    }
}

extension RunError {
    /// The failure of a request whose retry a stop cut short, as every result of one says it.
    var stoppedBeforeRetrying: RunError {
        var failure = self
        failure.message += " (the run stopped before retrying)"
        return failure
    }
}
