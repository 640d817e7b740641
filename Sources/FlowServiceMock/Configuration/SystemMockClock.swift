/// The system's monotonic clock, counted from the moment this value was made.
public struct SystemMockClock: MockClock {
    private let origin: ContinuousClock.Instant

    /// A clock whose origin is now.
    public init() {
        self.origin = ContinuousClock.now
    }

    /// Time elapsed since this clock was made.
    public var now: Duration {
        ContinuousClock.now - self.origin
    }
}
