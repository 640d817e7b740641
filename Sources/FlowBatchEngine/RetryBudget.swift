import Synchronization

/// A run-wide allowance of retries, so that a service failing most requests is not hammered by
/// every row retrying `maxAttempts` times.
///
/// Works like gRPC's retry throttling: the budget starts full; each retry takes one token, each
/// success gives back ``refillPerSuccess``; retries are allowed while more than half the tokens are
/// left. With the defaults (100 tokens, 0.2 per success) a run can sustain about one retry per five
/// successes for ever, and 50 retries beyond that before it stops.
public final class RetryBudget: Sendable {
    private struct State {
        var tokens: Double
        var retries = 0
        var successes = 0
    }

    /// The size of the budget.
    public let capacity: Double
    /// Tokens returned by each success.
    public let refillPerSuccess: Double
    private let state: Mutex<State>

    public init(capacity: Double = 100, refillPerSuccess: Double = 0.2) {
        self.capacity = capacity
        self.refillPerSuccess = refillPerSuccess
        state = Mutex(State(tokens: capacity))
    }

    /// Takes a token for one retry; `false` when the budget is spent.
    public func tryRetry() -> Bool {
        state.withLock { state in
            guard state.tokens - 1 > capacity / 2 else { return false }
            state.tokens -= 1
            state.retries += 1
            return true
        }
    }

    /// Returns part of a token for a request that succeeded.
    public func recordSuccess() {
        state.withLock { state in
            state.tokens = min(capacity, state.tokens + refillPerSuccess)
            state.successes += 1
        }
    }

    /// Retries granted and successes seen, for messages.
    public var counts: (retries: Int, successes: Int) {
        state.withLock { ($0.retries, $0.successes) }
    }
}
