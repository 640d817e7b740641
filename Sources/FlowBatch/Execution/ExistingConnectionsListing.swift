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
    /// Where a sandbox the service refuses for every row is recorded (its rows then fail without a request).
    var refusals = SandboxRefusals()
    /// Hears the sandbox being listed and how many connections it has shown so far.
    var onProgress: @Sendable (_ sandbox: String, _ listed: Int) -> Void = { _, _ in }

    /// The connections of every sandbox in `sandboxes`; what it has so far when the run is stopped.
    /// A sandbox the service refuses is recorded in ``refusals`` after its one request, and the
    /// listing goes on with the next.
    func list(sandboxes: [String]) async throws(RunError) -> ExistingConnections {
        var existing = ExistingConnections()
        var generator = SystemRandomNumberGenerator()
        for sandbox in sandboxes {
            var attempt = 0
            while true {
                // Stopped (Ctrl-C, or a run error): no further request; the pass records every row not-run.
                if stop.isStopping { return existing }
                attempt += 1
                onProgress(sandbox, 0)
                let answer = try await client.genericRESTConnections(sandbox: sandbox) { onProgress(sandbox, $0) }
                let failure: AnswerClassifier.Failure
                var retryAfter: Double?
                switch answer {
                case .success(let listed):
                    existing.add(listed, sandbox: sandbox)
                    logger.info("listed \(listed.count) generic REST connections", metadata: ["sandbox": "\(sandbox)"])
                case .failure(.refused(let refused)):
                    switch AnswerClassifier.classify(refused, sandbox: sandbox) {
                    case .runError(let error): throw error
                    case .sandboxError(let scoped):
                        refusals.refuse(sandbox, scoped)
                        logger.warning("sandbox refused: \(scoped.message)", metadata: ["sandbox": "\(sandbox)"])
                    default: break
                    }
                    if refusals.failure(for: sandbox) != nil { break }
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
