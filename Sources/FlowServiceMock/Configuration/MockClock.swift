/// The time source the mock measures token lifetimes and throttle windows against.
///
/// Two implementations: ``SystemMockClock`` (the default) and ``ManualMockClock`` for tests that
/// must expire a token or open a new throttle window without sleeping.
public protocol MockClock: Sendable {
    /// Time elapsed since a fixed origin of this clock; never decreases.
    var now: Duration { get }
}
