import Synchronization

/// The number of requests allowed in flight, adapting to throttling: halved on a 429 (at most once
/// a second, so that one burst of 429s counts once), then grown back by one for every window's
/// worth of successes, up to `--concurrency` (additive increase, multiplicative decrease).
public final class ConcurrencyLimit: Sendable {
    private struct State {
        var limit: Double
        /// When the limit was last halved, on the run's clock.
        var lastDecrease: (any InstantProtocol)?
    }

    /// The configured ceiling.
    public let maximum: Int
    private let state: Mutex<State>

    public init(maximum: Int) {
        self.maximum = max(1, maximum)
        state = Mutex(State(limit: Double(max(1, maximum))))
    }

    /// The requests allowed in flight now.
    public var current: Int {
        state.withLock { Int($0.limit) }
    }

    /// A request was throttled (429) at `now`, on the run's clock.
    public func throttled<Instant: InstantProtocol>(now: Instant) where Instant.Duration == Duration {
        state.withLock { state in
            if let last = state.lastDecrease as? Instant, last.duration(to: now) < .seconds(1) { return }
            state.limit = max(1, (state.limit / 2).rounded(.down))
            state.lastDecrease = now
        }
    }

    /// A request succeeded.
    public func succeeded() {
        state.withLock { state in
            guard state.limit < Double(maximum) else { return }
            state.limit = min(Double(maximum), state.limit + 1 / state.limit)
        }
    }
}
