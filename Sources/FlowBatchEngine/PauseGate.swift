import Synchronization

/// Pauses every worker until a time a server asked for with `Retry-After`: one throttled answer
/// slows the whole run, not one task.
public final class PauseGate<C: Clock>: Sendable where C.Duration == Duration {
    private let clock: C
    private let resumeAt: Mutex<C.Instant?>

    public init(clock: C) {
        self.clock = clock
        resumeAt = Mutex(nil)
    }

    /// Pauses everyone until at least `instant`.
    public func pause(until instant: C.Instant) {
        resumeAt.withLock { current in
            if let existing = current, existing >= instant { return }
            current = instant
        }
    }

    /// Whether a pause is in force now (checked before waiting, so that the common case costs
    /// no task).
    public var isPaused: Bool {
        guard let until = resumeAt.withLock({ $0 }) else { return false }
        return until > clock.now
    }

    /// Returns once no pause is in force; a pause extended meanwhile is waited for too.
    public func wait() async throws {
        while let until = resumeAt.withLock({ $0 }), until > clock.now {
            try await clock.sleep(until: until, tolerance: nil)
        }
    }
}
