import FlowBatchModel

/// How long to wait before retrying a transient failure: capped exponential backoff with full jitter
/// (a random delay between zero and `min(cap, base × 2^(retry−1))`), where a server's `Retry-After`
/// wins over anything shorter.
///
/// Pure arithmetic: the loop that sleeps is ``Retrier/run(_:)``, on an injected clock.
public struct RetryPolicy: Sendable, Equatable {
    /// Tries per row for failures that are not throttling (default 5).
    public var maxAttempts: Int
    /// The first backoff ceiling (default 0.5 s).
    public var baseDelay: Duration
    /// The largest backoff ceiling (default 30 s).
    public var maxDelay: Duration
    /// Tries per row that the service may answer with 429 before the row fails (default 30);
    /// throttled tries do not count against ``maxAttempts``.
    public var maxThrottledAttempts: Int

    public init(
        maxAttempts: Int = 5,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(30),
        maxThrottledAttempts: Int = 30
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxThrottledAttempts = maxThrottledAttempts
    }

    /// The largest delay before retry number `retry` (1 for the first retry).
    public func ceiling(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 40)
        let scaled = baseDelay.seconds * Double(UInt64(1) << UInt64(exponent))
        return .seconds(min(maxDelay.seconds, scaled))
    }

    /// The delay before retry number `retry`: `fraction` (0...1, drawn at random for full jitter) of
    /// the ceiling, but never shorter than `retryAfter` (seconds) when the server asked for one.
    public func delay(beforeRetry retry: Int, retryAfter: Double?, fraction: Double) -> Duration {
        let jittered = ceiling(beforeRetry: retry).seconds * min(max(fraction, 0), 1)
        return .seconds(max(jittered, retryAfter ?? 0))
    }

    /// The delay before retry number `retry`, with the jitter drawn from `generator`.
    public func delay(
        beforeRetry retry: Int,
        retryAfter: Double?,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        delay(beforeRetry: retry, retryAfter: retryAfter, fraction: Double.random(in: 0...1, using: &generator))
    }
}
