/// What one try of a request came to, as the request kind reads its answer.
package enum TryVerdict<Value: Sendable>: Sendable {
    /// Nothing more to send: the value, good or bad, is the request's answer.
    case done(Value)
    /// Worth sending again after a backoff.
    case again(RetryReason)
}

/// Why a try is worth repeating, and what the answer said about when.
public struct RetryReason: Sendable, Equatable {
    /// What the try came to.
    public var failure: RunError
    /// Seconds the service asked to wait (`Retry-After`).
    public var retryAfter: Double?
    /// A 429: the service is pacing the client; it is counted apart from failures.
    public var throttled: Bool
    /// The service itself did not answer (no connection, a reset, a timeout) or failed across the
    /// board (5xx): not the request's fault, and what an outage looks like.
    public var unreachable: Bool

    package init(
        _ failure: RunError,
        retryAfter: Double? = nil,
        throttled: Bool = false,
        unreachable: Bool = false
    ) {
        self.failure = failure
        self.retryAfter = retryAfter
        self.throttled = throttled
        self.unreachable = unreachable
    }
}

/// How a retried request ended.
package enum RetryEnd<Value: Sendable>: Sendable {
    /// A try was ``TryVerdict/done(_:)``.
    case done(Value)
    /// Out of attempts; the last reason.
    case gaveUp(RetryReason)
    /// The run stopped before the request was done; the last reason, if any try was made.
    case stopped(RetryReason?)
}

/// Sends a request again for as long as its tries say so, on the run's policy and clock: the one
/// retrier (``FlowBatchEngine/Retrier``). The Flow Service client and IMS take it as this protocol,
/// so that every request kind, token requests included, retries the same way.
package protocol Retrying: Sendable {
    /// Calls `attempt` (numbered from 1) until it is done, runs out of attempts, or the run stops.
    func run<Value: Sendable>(
        _ attempt: (_ number: Int) async throws(RunError) -> TryVerdict<Value>
    ) async throws(RunError) -> RetryEnd<Value>
}
