import Synchronization

/// Admits at most a given number of requests per fixed one-second window of the mock's clock.
final class ThrottleWindow: Sendable {
    private struct State {
        var window: Int64 = .min
        var admitted = 0
    }

    private let state = Mutex(State())

    /// Whether one more request fits in the current window; counts it when it does.
    func admit(limit: Int, now: Duration) -> Bool {
        let window = now.components.seconds
        return self.state.withLock { state in
            if state.window != window {
                state.window = window
                state.admitted = 0
            }
            guard state.admitted < limit else { return false }
            state.admitted += 1
            return true
        }
    }
}
