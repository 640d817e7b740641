import Synchronization

/// A clock that stands still until a test moves it with ``advance(by:)``.
public final class ManualMockClock: MockClock {
    private let elapsed = Mutex<Duration>(.zero)

    /// A clock standing at its origin.
    public init() {}

    /// The time this clock has been advanced by in total.
    public var now: Duration {
        self.elapsed.withLock { $0 }
    }

    /// Moves the clock forward by `duration` (negative durations are ignored).
    public func advance(by duration: Duration) {
        guard duration > .zero else { return }
        self.elapsed.withLock { $0 += duration }
    }
}
