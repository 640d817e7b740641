import Logging

/// Lists the generic REST connections of every sandbox a run uses, once, at its start: retrying
/// transient failures with backoff on the run's clock (the client paces each page by the run's rate
/// limit), and ending early when the run is stopped. `flowbatch run` and `--dry-run` list the same way.
struct ExistingConnectionsListing<C: Clock>: Sendable where C.Duration == Duration {
    let client: FlowServiceClient
    let clock: C
    let policy: RetryPolicy
    let stop: StopSignal
    let logger: Logger

    /// The connections of every sandbox in `sandboxes`; what it has so far when the run is stopped.
    func list(sandboxes: [String]) async throws(RunError) -> ExistingConnections {
        var existing = ExistingConnections()
        var generator = SystemRandomNumberGenerator()
        for sandbox in sandboxes {
            var attempt = 0
            while true {
                // Stopped (Ctrl-C, or a run error): no further request; the pass records every row not-run.
                if stop.isStopping { return existing }
                attempt += 1
                let answer = try await client.genericRESTConnections(sandbox: sandbox)
                let failure: AnswerClassifier.Failure
                var retryAfter: Double?
                switch answer {
                case .success(let listed):
                    existing.add(listed, sandbox: sandbox)
                    logger.info("listed \(listed.count) generic REST connections", metadata: ["sandbox": "\(sandbox)"])
                case .failure(.refused(let refused)):
                    if case .runError(let error) = AnswerClassifier.classify(refused, sandbox: sandbox) { throw error }
                    failure = .init(code: refused.resultCode, message: refused.message, httpStatus: refused.status, requestID: refused.requestID)
                    retryAfter = refused.retryAfter
                    if refused.status < 500, refused.status != 429 {
                        throw RunError(.lookupFailed, "listing the connections of sandbox '\(sandbox)' failed: \(failure.message)", serviceCode: refused.code, requestID: refused.requestID)
                    }
                    try await backOff(attempt: attempt, failure: failure, retryAfter: retryAfter, sandbox: sandbox, generator: &generator)
                    continue
                case .failure(.transport(let transport)):
                    if case .runError(let error) = AnswerClassifier.classify(.transport(transport), sandbox: sandbox) {
                        throw error
                    }
                    failure = .init(code: transport.kind.rawValue, message: transport.message)
                    try await backOff(attempt: attempt, failure: failure, retryAfter: nil, sandbox: sandbox, generator: &generator)
                    continue
                case .failure(.unreadable(let reason)):
                    failure = .init(code: "malformed-response", message: reason)
                    try await backOff(attempt: attempt, failure: failure, retryAfter: nil, sandbox: sandbox, generator: &generator)
                    continue
                }
                break
            }
        }
        return existing
    }

    private func backOff(
        attempt: Int,
        failure: AnswerClassifier.Failure,
        retryAfter: Double?,
        sandbox: String,
        generator: inout SystemRandomNumberGenerator
    ) async throws(RunError) {
        guard attempt < policy.maxAttempts else {
            throw RunError(
                .lookupFailed,
                "listing the connections of sandbox '\(sandbox)' kept failing (\(failure.message)); run again later",
                serviceCode: failure.code,
                requestID: failure.requestID
            )
        }
        let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter, using: &generator)
        _ = await stop.unlessStopped { [clock] in try await clock.sleep(for: delay) }
    }
}
