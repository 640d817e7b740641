import FlowBatchTestSupport
import Synchronization
import Testing

@testable import FlowBatchEngine
@testable import FlowBatchModel

@Suite("Adaptive rate", .timeLimit(.minutes(3)))
struct AdaptiveRateTests {
    private typealias Rate = AdaptiveRate<ManualClock>

    private static func approx(_ rate: Double?, _ expected: Double) -> Bool {
        guard let rate else { return false }
        return abs(rate - expected) < 1e-9
    }

    private static func at(milliseconds: Int) -> ManualClock.Instant { .init(offset: .milliseconds(milliseconds)) }

    @Test("unlimited until the first 429: acquiring never sleeps")
    func unlimitedUntilThrottled() async throws {
        let clock = ManualClock()
        let rate = Rate(clock: clock)
        for _ in 0..<1_000 {
            try await rate.acquire()
            rate.admitted()
        }
        #expect(rate.rate == nil)
        #expect(clock.sleeperCount == 0)
        #expect(clock.now == Self.at(milliseconds: 0))
    }

    @Test("the user's --rate paces from the start and caps the learned pace")
    func userRateCaps() async throws {
        let clock = ManualClock()
        let rate = Rate(configuration: .init(maximumRate: 4), clock: clock)
        try await rate.acquire()
        let second = Task { try await rate.acquire() }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.deadlines == [Self.at(milliseconds: 250)])
        clock.advance(by: .milliseconds(250))
        try await second.value
        for _ in 0..<100 { rate.admitted() }
        rate.throttled(retryAfter: .zero)
        #expect(rate.rate == 4)
    }

    @Test("a 429 paces at 97% of what was admitted in the last second and pauses for Retry-After")
    func throttleLearnsTheRate() async throws {
        let clock = ManualClock()
        let rate = Rate(clock: clock)
        // Admitted long ago: outside the window, not counted.
        for _ in 0..<500 { rate.admitted() }
        clock.advance(by: .seconds(5))
        for _ in 0..<100 { rate.admitted() }
        clock.advance(by: .milliseconds(500))
        rate.throttled(retryAfter: .seconds(2))
        #expect(Self.approx(rate.rate, 97))
        let first = Task { try await rate.acquire() }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.deadlines == [Self.at(milliseconds: 7_500)])
        clock.advance(by: .seconds(2))
        try await first.value
        let second = Task { try await rate.acquire() }
        #expect(await clock.waitForSleepers(1))
        // 1/97 s after the first, the pace grown a little since (2 s into 180 s): 10.308 ms.
        let slot = try #require(clock.deadlines.first).offset - .milliseconds(7_500)
        #expect(slot > .microseconds(10_307) && slot < .microseconds(10_309))
        clock.advance(by: .seconds(1))
        try await second.value
    }

    @Test("a bare 429 (no Retry-After, no body) pauses for a second")
    func bareThrottlePausesASecond() async throws {
        let clock = ManualClock()
        let rate = Rate(clock: clock)
        for _ in 0..<50 { rate.admitted() }
        rate.throttled(retryAfter: nil)
        #expect(Self.approx(rate.rate, 48.5))
        let waiter = Task { try await rate.acquire() }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.deadlines == [Self.at(milliseconds: 1_000)])
        clock.advance(by: .seconds(1))
        try await waiter.value
    }

    @Test("a burst of 429s decreases the pace once, measured at its largest; a later one measures the last second")
    func burstCountsOnce() {
        let clock = ManualClock()
        let rate = Rate(clock: clock)
        for _ in 0..<60 { rate.admitted() }
        rate.throttled(retryAfter: nil)
        #expect(Self.approx(rate.rate, 58.2))
        for _ in 0..<40 { rate.admitted() }
        rate.throttled(retryAfter: nil)
        rate.throttled(retryAfter: nil)
        #expect(Self.approx(rate.rate, 97))
        // 1.05 s on: half the first tenth is still inside the window.
        clock.advance(by: .milliseconds(1_050))
        for _ in 0..<80 { rate.admitted() }
        rate.throttled(retryAfter: nil)
        #expect(Self.approx(rate.rate, 0.97 * (80 + 50)))
        clock.advance(by: .milliseconds(1_100))
        for _ in 0..<80 { rate.admitted() }
        rate.throttled(retryAfter: nil)
        #expect(Self.approx(rate.rate, 77.6))
    }

    @Test("a 429 with nothing admitted in the last second halves the pace, or leaves it unlimited")
    func throttleWithNothingAdmitted() {
        let clock = ManualClock()
        let rate = Rate(clock: clock)
        rate.throttled(retryAfter: nil)
        #expect(rate.rate == nil)
        for _ in 0..<100 { rate.admitted() }
        rate.throttled(retryAfter: nil)
        clock.advance(by: .seconds(2))
        rate.throttled(retryAfter: nil)
        #expect(Self.approx(rate.rate, 97 * (1 + 1.0 / 8_100) / 2))
    }

    @Test("without 429s the pace grows slowly at first: +2.8% after 30 s, doubled after 3 minutes")
    func growsSlowlyThenFaster() {
        let clock = ManualClock()
        let rate = Rate(clock: clock)
        for _ in 0..<100 { rate.admitted() }
        rate.throttled(retryAfter: nil)
        clock.advance(by: .seconds(30))
        #expect(Self.approx(rate.rate, 97 * (1 + 1.0 / 36)))
        clock.advance(by: .seconds(150))
        #expect(Self.approx(rate.rate, 194))
    }

    @Test("a slot handed out before a pause waits for the pause too")
    func pauseHoldsHandedOutSlots() async throws {
        let clock = ManualClock()
        let rate = Rate(clock: clock)
        for _ in 0..<10 { rate.admitted() }
        rate.throttled(retryAfter: .zero)
        try await rate.acquire()
        let waiter = Task { try await rate.acquire() }
        #expect(await clock.waitForSleepers(1))
        let slot = try #require(clock.deadlines.first)
        #expect(slot > clock.now)
        rate.throttled(retryAfter: .seconds(3))
        clock.advance(by: clock.now.duration(to: slot))
        #expect(await clock.waitForSleepers(1))
        #expect(clock.deadlines == [Self.at(milliseconds: 3_000)])
        clock.advance(by: .seconds(3))
        try await waiter.value
    }

    @Test(
        "against a service admitting 100/s in fixed windows, 64 requesters send 3,000 with ≤ 5% answered 429 in ≤ 1.1 × 30 s",
        arguments: [Duration.seconds(1), nil]
    )
    func simulatedThrottle(retryAfter: Duration?) async throws {
        let result = try await ThrottleSimulation(retryAfter: retryAfter).run()
        #expect(result.created == 3_000)
        #expect(result.throttled <= 150, "\(result.throttled) answered 429")
        #expect(result.finished <= .seconds(33), "finished at \(result.finished)")
        #expect(result.finished >= .seconds(29))
    }
}

/// The mock's `--throttle-rps` (`ThrottleWindow`): at most `limit` requests admitted per one-second
/// window of the clock, counted from whole seconds; the rest answered 429.
private final class FixedWindowService: Sendable {
    private struct State {
        var window: Int64 = .min
        var admitted = 0
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    func admit(now: Duration) -> Bool {
        let window = now.components.seconds
        return state.withLock { state in
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

/// Requesters sending creates through the run's ``Retrier`` (the `Retry-After` pause for everyone, a
/// throttled row's own backoff, the pace), against ``FixedWindowService`` on a manual clock that the
/// simulation moves to the next deadline whenever every requester is waiting.
private struct ThrottleSimulation {
    var retryAfter: Duration?
    var requests = 3_000
    var requesters = 64
    var limit = 100

    struct Outcome {
        var created = 0
        var throttled = 0
        var finished = Duration.zero
    }

    /// What the requesters share: the next job and the outcome so far.
    private final class Shared: Sendable {
        let state = Mutex((next: 0, outcome: Outcome()))
    }

    func run() async throws -> Outcome {
        let clock = ManualClock()
        let service = FixedWindowService(limit: limit)
        let rate = AdaptiveRate(clock: clock)
        let gate = PauseGate(clock: clock)
        let shared = Shared()
        let retrier = Retrier(clock: clock, policy: RetryPolicy(), gate: gate, stop: StopSignal(), pacing: rate)
        let throttled = RetryReason(
            RunError(.httpRefused, "too many requests", httpStatus: 429),
            retryAfter: retryAfter.map { $0 / .seconds(1) },
            throttled: true
        )
        let requests = requests
        try await simulate(on: clock, tasks: requesters) { requester in
            var generator = SeededGenerator(seed: UInt64(requester))
            while shared.state.withLock({ state -> Bool in
                guard state.next < requests else { return false }
                state.next += 1
                return true
            }) {
                // The one retry loop, as every request of a run takes it: the pause, the pace, the backoff.
                let end = try await retrier.run { (_) async throws(RunError) -> TryVerdict<Void> in
                    // 1-3 ms to reach the service, which decides at once; 15-25 ms back.
                    let there = Duration.microseconds(Int.random(in: 1_000...3_000, using: &generator))
                    let back = Duration.microseconds(Int.random(in: 15_000...25_000, using: &generator))
                    try? await clock.sleep(for: there)
                    let admitted = service.admit(now: clock.now.offset)
                    try? await clock.sleep(for: back)
                    guard admitted else {
                        shared.state.withLock { $0.outcome.throttled += 1 }
                        return .again(throttled)
                    }
                    shared.state.withLock {
                        $0.outcome.created += 1
                        $0.outcome.finished = max($0.outcome.finished, clock.now.offset)
                    }
                    return .done(())
                }
                guard case .done = end else { throw RunError(.httpRefused, "gave up: \(end)") }
            }
        }
        return shared.state.withLock { $0.outcome }
    }
}
