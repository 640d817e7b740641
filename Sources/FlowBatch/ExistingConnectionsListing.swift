import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI
import Logging

/// Lists the generic REST connections of a sandbox page by page: each page retried on transient
/// failures with backoff on the run's clock (the client paces each page by the run's rate limit),
/// ending early when the run is stopped. `flowbatch run`, `--dry-run` and `export` list this way.
struct ExistingConnectionsListing<C: Clock>: Sendable where C.Duration == Duration {
    let client: FlowServiceClient
    /// The run's retrier (its pause gate, outage breaker and stop); the client paces each page.
    let retrier: Retrier<C>
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
        var retrier = self.retrier
        retrier.pacesEachTry = false
        var target: String? = FlowServiceClient.firstGenericRESTPage
        while let page = target {
            // Stopped (Ctrl-C, or a run error): no further request; the pass records every row not-run.
            if retrier.stop.isStopping { return false }
            let end = try await retrier.run { (_) async throws(RunError) -> TryVerdict<Page> in
                if let pace = client.pace, !(await pace()) { return .done(.stopped) }
                do throws(RunError) {
                    return .done(.listed(try await client.listingPage(page, sandbox: sandbox)))
                } catch  where error.code == .malformedResponse {
                    return .again(RetryReason(RunError(.malformedResponse, error.message)))
                } catch {
                    switch try AnswerClassifier.classify(error, sandbox: sandbox) {
                    case .runError(let error): throw error
                    case .sandboxError(let scoped): return .done(.refused(scoped))
                    case .transient(let reason, _): return .again(reason)
                    case .rowError(let refused):
                        // Refused for what was asked: asking again will not help.
                        throw RunError(
                            .lookupFailed,
                            "listing the connections of sandbox '\(sandbox)' failed: \(refused.message)",
                            serviceCode: refused.resultCode,
                            requestID: refused.requestID
                        )
                    }
                }
            }
            switch end {
            case .done(.listed(let listed)):
                try body(listed.items)
                target = listed.next
            case .done(.refused(let scoped)):
                refusals.refuse(sandbox, scoped)
                logger.warning("sandbox refused: \(scoped.message)", metadata: ["sandbox": "\(sandbox)"])
                return false
            case .done(.stopped), .stopped:
                return false
            case .gaveUp(let reason):
                throw RunError(
                    .lookupFailed,
                    "listing the connections of sandbox '\(sandbox)' kept failing (\(reason.failure.message)); run again later",
                    serviceCode: reason.failure.resultCode,
                    requestID: reason.failure.requestID
                )
            }
        }
        return true
    }

    private enum Page: Sendable {
        case listed(FlowServiceClient.Page)
        case refused(RunError)
        case stopped
    }
}
