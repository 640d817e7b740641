import Synchronization

/// Spaces requests to at most `rate` per second (`--rate`), over all kinds of requests together.
public final class RateLimiter<C: Clock>: Sendable where C.Duration == Duration {
    private let clock: C
    private let interval: Duration
    private let nextSlot: Mutex<C.Instant?>

    /// `rate` requests per second; must be positive.
    public init(rate: Double, clock: C) {
        self.clock = clock
        interval = .seconds(1 / max(rate, 0.000_001))
        nextSlot = Mutex(nil)
    }

    /// Waits for the next free slot.
    public func acquire() async throws {
        let now = clock.now
        let slot = nextSlot.withLock { next -> C.Instant in
            let slot = next.map { max($0, now) } ?? now
            next = slot.advanced(by: interval)
            return slot
        }
        if slot > now {
            try await clock.sleep(until: slot, tolerance: nil)
        }
    }
}
