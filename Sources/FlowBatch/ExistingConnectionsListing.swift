import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI
import Logging

/// Lists the generic REST connections of a sandbox page by page: each page retried on transient
/// failures with backoff on the run's clock (the client paces each page by the run's rate limit),
/// ending early when the run is stopped. `flowbatch run`, `--dry-run` and `export` list this way.
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
        for sandbox in sandboxes {
            var listed: [FlowServiceClient.Listed] = []
            onProgress(sandbox, 0)
            let complete = try await forEachPage(sandbox: sandbox) { page in
                // Held for the whole run, one per existing connection: without the params only export needs.
                listed += page.map { connection in
                    var kept = connection
                    kept.params = [:]
                    return kept
                }
                onProgress(sandbox, listed.count)
            }
            guard complete else { continue }
            existing.add(listed, sandbox: sandbox)
            logger.info("listed \(listed.count) generic REST connections", metadata: ["sandbox": "\(sandbox)"])
        }
        return existing
    }

    /// Hands each page of `sandbox`'s generic REST connections to `body`, in order, once each.
    /// Returns `false` when the listing ended early: stopped, or the sandbox refused (recorded in
    /// ``refusals``). Throws a run error, or when a page keeps failing.
    func forEachPage(
        sandbox: String,
        _ body: ([FlowServiceClient.Listed]) throws(RunError) -> Void
    ) async throws(RunError) -> Bool {
        var generator = SystemRandomNumberGenerator()
        var target: String? = FlowServiceClient.firstGenericRESTPage
        var attempt = 0
        while let page = target {
            // Stopped (Ctrl-C, or a run error): no further request; the pass records every row not-run.
            if stop.isStopping { return false }
            if let pace = client.pace, !(await pace()) { return false }
            attempt += 1
            let failure: AnswerClassifier.Failure
            var retryAfter: Double?
            switch try await client.listingPage(page, sandbox: sandbox) {
            case .success(let listed):
                try body(listed.items)
                target = listed.next
                attempt = 0
                continue
            case .failure(.refused(let refused)):
                switch AnswerClassifier.classify(refused, sandbox: sandbox) {
                case .runError(let error):
                    throw error
                case .sandboxError(let scoped):
                    refusals.refuse(sandbox, scoped)
                    logger.warning("sandbox refused: \(scoped.message)", metadata: ["sandbox": "\(sandbox)"])
                    return false
                case .transient(let reported, _, _, let after):
                    failure = reported
                    retryAfter = after
                case .rowError, .created:
                    // Refused for what was asked: asking again will not help.
                    throw RunError(
                        .lookupFailed,
                        "listing the connections of sandbox '\(sandbox)' failed: \(refused.message)",
                        serviceCode: refused.code,
                        requestID: refused.requestID
                    )
                }
            case .failure(.transport(let transport)):
                if case .runError(let error) = AnswerClassifier.classify(.transport(transport), sandbox: sandbox) {
                    throw error
                }
                failure = .init(code: transport.kind.rawValue, message: transport.message)
            case .failure(.unreadable(let reason)):
                failure = .init(code: "malformed-response", message: reason)
            }
            try await backOff(
                attempt: attempt,
                failure: failure,
                retryAfter: retryAfter,
                sandbox: sandbox,
                generator: &generator
            )
        }
        return true
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
