import FlowBatchTestSupport
import Synchronization
import Testing

@testable import FlowBatchEngine
@testable import FlowBatchModel

@Suite("Outage breaker", .timeLimit(.minutes(2)))
struct OutageBreakerTests {
    private typealias Breaker = OutageBreaker<ManualClock>

    private static func at(_ seconds: Int) -> ManualClock.Instant { ManualClock.Instant(offset: .seconds(seconds)) }

    /// A breaker for a service that has answered once (before its first answer nothing is an outage).
    private static func heard(_ breaker: Breaker) -> Breaker {
        breaker.answered()
        return breaker
    }

    /// Opens the breaker with three failures in a row now.
    private static func open(_ breaker: Breaker) {
        for _ in 0..<2 { #expect(breaker.unreachable(.normal) == .countAttempt) }
        #expect(breaker.unreachable(.normal) == .waitAndResend)
    }

    @Test("before the service's first answer no failure is an outage: a wrong endpoint fails fast")
    func nothingIsAnOutageBeforeTheFirstAnswer() async throws {
        let breaker = Breaker(clock: ManualClock())
        for _ in 0..<10 { #expect(breaker.unreachable(.normal) == .countAttempt) }
        #expect(breaker.status == nil)
        #expect(try await breaker.admit() == .normal)
    }

    @Test("one failure or two on a closed breaker hold nobody back; three in a row with no answer between open it")
    func opensOnlyOnThreeInARow() async throws {
        let clock = ManualClock()
        let breaker = Self.heard(Breaker(clock: clock))
        #expect(breaker.unreachable(.normal) == .countAttempt)
        #expect(breaker.unreachable(.normal) == .countAttempt)
        breaker.answered()
        #expect(breaker.unreachable(.normal) == .countAttempt)
        #expect(try await breaker.admit() == .normal)
        #expect(breaker.status == nil)
        clock.advance(by: .seconds(5))
        #expect(breaker.unreachable(.normal) == .countAttempt)
        clock.advance(by: .seconds(2))
        #expect(breaker.unreachable(.normal) == .waitAndResend)
        // Unreachable since the first failure of the run that opened it; first probe 1 s after.
        #expect(breaker.status == Breaker.Status(unreachableSince: Self.at(0), nextTry: Self.at(8), probing: false))
        // Requests that were in flight fail too: none counts, none moves the probe.
        for _ in 0..<10 { #expect(breaker.unreachable(.normal) == .waitAndResend) }
        #expect(breaker.status?.nextTry == Self.at(8))
    }

    @Test("exactly one waiter at a time goes out as the probe; a probe that never reports is replaced after its lease")
    func oneProbeAtATime() async throws {
        let clock = ManualClock()
        let breaker = Self.heard(Breaker(clock: clock))
        Self.open(breaker)
        let admissions = Admissions()
        let waiters = (0..<3).map { _ in Task { admissions.record(try await breaker.admit()) } }
        #expect(await clock.waitForSleepers(3))
        #expect(clock.deadlines == Array(repeating: Self.at(1), count: 3))
        clock.advance(by: .seconds(1))
        await admissions.waitFor(1)
        #expect(await clock.waitForSleepers(2))
        #expect(admissions.all == [.probe])
        #expect(clock.deadlines == Array(repeating: Self.at(121), count: 2))
        #expect(breaker.status == Breaker.Status(unreachableSince: Self.at(0), nextTry: Self.at(1), probing: true))
        clock.advance(by: .seconds(120))
        await admissions.waitFor(2)
        #expect(await clock.waitForSleepers(1))
        #expect(admissions.all == [.probe, .probe])
        breaker.answered()
        await admissions.waitFor(3)
        #expect(admissions.all == [.probe, .probe, .normal])
        for waiter in waiters { try await waiter.value }
    }

    @Test("probes back off 1 s, 2 s, 4 s … and stop growing at 30 s")
    func backoffIsCapped() async throws {
        let clock = ManualClock()
        let breaker = Self.heard(Breaker(clock: clock))
        Self.open(breaker)
        for delay in [1, 2, 4, 8, 16, 30, 30, 30] {
            let waiter = Task { try await breaker.admit() }
            #expect(await clock.waitForSleepers(1))
            #expect(clock.deadlines == [clock.now.advanced(by: .seconds(delay))])
            clock.advance(by: .seconds(delay))
            #expect(try await waiter.value == .probe)
            #expect(breaker.unreachable(.probe) == .waitAndResend)
        }
        #expect(breaker.status?.nextTry == clock.now.advanced(by: .seconds(30)))
    }

    @Test("any answer closes the breaker and releases every waiter at once")
    func answerReleasesEveryone() async throws {
        let clock = ManualClock()
        let breaker = Self.heard(Breaker(clock: clock))
        Self.open(breaker)
        let waiters = (0..<8).map { _ in Task { try await breaker.admit() } }
        #expect(await clock.waitForSleepers(8))
        breaker.answered()
        for waiter in waiters { #expect(try await waiter.value == .normal) }
        #expect(breaker.status == nil)
        #expect(clock.sleeperCount == 0)
        // Closed again: counting starts afresh.
        #expect(breaker.unreachable(.normal) == .countAttempt)
    }

    @Test("past the outage limit every waiter, the probe and every later caller get the typed error")
    func limitReached() async throws {
        let clock = ManualClock()
        let breaker = Self.heard(Breaker(configuration: .init(limit: .seconds(10)), clock: clock))
        #expect(breaker.unreachable(.normal) == .countAttempt)
        clock.advance(by: .seconds(2))
        #expect(breaker.unreachable(.normal) == .countAttempt)
        #expect(breaker.unreachable(.normal) == .waitAndResend)
        let probe = Task { try await breaker.admit() }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(1))
        #expect(try await probe.value == .probe)
        let waiters = (0..<4).map { _ in Task { try await breaker.admit() } }
        #expect(await clock.waitForSleepers(4))
        // The limit counts from the first failure (0 s), not from the opening (2 s).
        #expect(clock.deadlines == Array(repeating: Self.at(10), count: 4))
        clock.advance(by: .seconds(7))
        let expected = OutageLimitReached(unreachableFor: .seconds(10), limit: .seconds(10))
        for waiter in waiters {
            await #expect(throws: expected) { try await waiter.value }
        }
        #expect(breaker.unreachable(.probe) == .waitAndResend)
        await #expect(throws: expected) { try await breaker.admit() }
        #expect(
            expected.description
                == "the service has been unreachable for 0:10 (--outage-limit 0:10), so the run stopped;"
                + " run the same command again to resume"
        )
    }

    @Test("a waiter whose task is cancelled wakes at once")
    func cancellationWakes() async throws {
        let clock = ManualClock()
        let breaker = Self.heard(Breaker(clock: clock))
        Self.open(breaker)
        let waiter = Task { try await breaker.admit() }
        let other = Task { try await breaker.admit() }
        #expect(await clock.waitForSleepers(2))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(clock.sleeperCount == 1)
        breaker.answered()
        #expect(try await other.value == .normal)
    }

    @Test(
        "the progress line says how long and when the next try is",
        arguments: [
            (0, 50_000, 42_000, false, "service unreachable for 0:42, next try in 8 s"),
            (0, 50_000, 41_500, false, "service unreachable for 0:41, next try in 9 s"),
            (1_000, 3_726_000, 3_726_000, false, "service unreachable for 1:02:05, next try in 0 s"),
            (0, 600_000, 605_000, true, "service unreachable for 10:05, trying again now"),
        ] as [(Int, Int, Int, Bool, String)]
    )
    func statusText(_ since: Int, _ next: Int, _ now: Int, _ probing: Bool, _ expected: String) {
        func instant(_ milliseconds: Int) -> ManualClock.Instant { .init(offset: .milliseconds(milliseconds)) }
        let status = Breaker.Status(unreachableSince: instant(since), nextTry: instant(next), probing: probing)
        #expect(Breaker.describe(status, now: instant(now)) == expected)
    }
}

/// What waiting tasks were admitted as, in order.
private final class Admissions: Sendable {
    private let admissions = Mutex<[OutageBreaker<ManualClock>.Admission]>([])

    var all: [OutageBreaker<ManualClock>.Admission] { admissions.withLock { $0 } }

    func record(_ admission: OutageBreaker<ManualClock>.Admission) {
        admissions.withLock { $0.append(admission) }
    }

    /// Waits (yielding) until `count` admissions are in, or gives up after many tries.
    func waitFor(_ count: Int) async {
        for _ in 0..<100_000 where all.count < count {
            await Task.yield()
        }
    }
}

@Suite("Outage breaker, simulated", .timeLimit(.minutes(2)))
struct OutageSimulationTests {
    /// Four workers sending 1,000 requests (20 ms each) through the breaker to a service that
    /// refuses connections (within 1 ms) from 2 s to `outageEnd`; the breaker's limit is `limit`.
    private struct Outcome {
        var done = 0
        var countedAttempts = 0
        var probes = 0
        var probesInFlight = 0
        var mostProbesInFlight = 0
        var limitErrors: [OutageLimitReached] = []
        var finished = Duration.zero
    }

    private final class Shared: Sendable {
        let state = Mutex((next: 0, outcome: Outcome()))
    }

    private func run(outageEnd: Duration, limit: Duration = .seconds(600)) async throws -> Outcome {
        let clock = ManualClock()
        let breaker = OutageBreaker(configuration: .init(limit: limit), clock: clock)
        breaker.answered()
        let policy = RetryPolicy()
        let shared = Shared()
        try await simulate(on: clock, tasks: 4) { worker in
            var generator = SeededGenerator(seed: UInt64(worker))
            while shared.state.withLock({ state -> Bool in
                guard state.next < 1_000 else { return false }
                state.next += 1
                return true
            }) {
                var failures = 0
                while true {
                    let admission: OutageBreaker<ManualClock>.Admission
                    do {
                        admission = try await breaker.admit()
                    } catch let error as OutageLimitReached {
                        shared.state.withLock { $0.outcome.limitErrors.append(error) }
                        return
                    }
                    let now = clock.now.offset
                    let down = now >= .seconds(2) && now < outageEnd
                    shared.state.withLock {
                        guard admission == .probe else { return }
                        $0.outcome.probes += 1
                        $0.outcome.probesInFlight += 1
                        $0.outcome.mostProbesInFlight = max($0.outcome.mostProbesInFlight, $0.outcome.probesInFlight)
                    }
                    try await clock.sleep(for: .milliseconds(down ? 1 : 20))
                    shared.state.withLock { if admission == .probe { $0.outcome.probesInFlight -= 1 } }
                    if !down {
                        breaker.answered()
                        shared.state.withLock {
                            $0.outcome.done += 1
                            $0.outcome.finished = clock.now.offset
                        }
                        break
                    }
                    if breaker.unreachable(admission) == .countAttempt {
                        failures += 1
                        shared.state.withLock { $0.outcome.countedAttempts += 1 }
                        try await clock.sleep(
                            for: policy.delay(beforeRetry: failures, retryAfter: nil, using: &generator)
                        )
                    }
                }
            }
        }
        return shared.state.withLock { $0.outcome }
    }

    @Test("a 20 s outage is ridden out: no row spends more than the two attempts before it opened, one probe at a time")
    func outageRiddenOut() async throws {
        let outcome = try await run(outageEnd: .seconds(22))
        #expect(outcome.done == 1_000)
        #expect(outcome.countedAttempts == 2)
        // Probes at 3, 5, 9 and 17 s fail; the one at 33 s finds the service back.
        #expect(outcome.probes == 5)
        #expect(outcome.mostProbesInFlight == 1)
        #expect(outcome.finished > .seconds(33) && outcome.finished < .seconds(39))
        #expect(outcome.limitErrors.isEmpty)
    }

    @Test("an outage past the limit ends every worker's wait with the typed error at the limit")
    func outagePastTheLimit() async throws {
        let outcome = try await run(outageEnd: .seconds(3_600), limit: .seconds(10))
        #expect(outcome.done > 0 && outcome.done < 1_000)
        #expect(outcome.countedAttempts == 2)
        #expect(outcome.limitErrors.count == 4)
        for error in outcome.limitErrors {
            #expect(error.limit == .seconds(10))
            #expect(error.unreachableFor >= .seconds(10) && error.unreachableFor < .milliseconds(10_010))
        }
    }
}
