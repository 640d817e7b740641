import FlowBatchTestSupport
import Synchronization
import Testing

@testable import FlowBatchEngine
@testable import FlowBatchModel

/// The one retrier and the one windowed executor, in process, on the manual clock.
@Suite("The engine: retrier and windowed executor", .timeLimit(.minutes(1)))
struct EngineTests {
    private static let busy = RetryReason(
        RunError(.serviceRefused, "busy", httpStatus: 503, serviceCode: "FLOW-1103-503"),
        unreachable: true
    )

    private static func retrier(
        _ clock: ManualClock,
        stop: StopSignal = StopSignal(),
        policy: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(1), maxDelay: .seconds(4)),
        budget: RetryBudget? = nil
    ) -> Retrier<ManualClock> {
        Retrier(clock: clock, policy: policy, gate: PauseGate(clock: clock), stop: stop, budget: budget)
    }

    @Test("a transient failure is sent again after a backoff on the run's clock, until it is done")
    func retriesUntilDone() async throws {
        let clock = ManualClock()
        let tries = Mutex(0)
        let task = Task {
            try await Self.retrier(clock).run { (number) async throws(RunError) -> TryVerdict<Int> in
                tries.withLock { $0 = number }
                return number < 3 ? .again(Self.busy) : .done(number)
            }
        }
        await clock.waitForSleepers(1)
        #expect(tries.withLock { $0 } == 1)
        #expect(clock.deadlines[0].offset <= .seconds(1))
        clock.advance(by: .seconds(1))
        await clock.waitForSleepers(1)
        #expect(tries.withLock { $0 } == 2)
        #expect(clock.deadlines[0].offset <= .seconds(3))
        clock.advance(by: .seconds(2))
        guard case .done(3) = try await task.value else {
            Issue.record("expected the third try to be done")
            return
        }
    }

    @Test("out of attempts: the last reason; a 429 does not spend an attempt and its Retry-After is waited")
    func givesUpAndCountsThrottlesApart() async throws {
        let clock = ManualClock()
        let throttled = RetryReason(
            RunError(.httpRefused, "slow down", httpStatus: 429),
            retryAfter: 7,
            throttled: true
        )
        let task = Task {
            try await Self.retrier(clock).run { (number) async throws(RunError) -> TryVerdict<Int> in
                number <= 2 ? .again(throttled) : .again(Self.busy)
            }
        }
        // Two 429s: each waits its Retry-After of 7 s, and neither counts against the 3 attempts.
        for _ in 0..<2 {
            await clock.waitForSleepers(1)
            #expect(clock.deadlines[0] == clock.now.advanced(by: .seconds(7)))
            clock.advance(by: .seconds(7))
        }
        for _ in 0..<2 {
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(4))
        }
        guard case .gaveUp(let reason) = try await task.value else {
            Issue.record("expected the retrier to give up")
            return
        }
        #expect(reason == Self.busy)
    }

    @Test("429s halve the concurrency at most once a second of the run's clock, not of the wall clock")
    func throttlesHalveTheConcurrencyOnTheRunsClock() async throws {
        let clock = ManualClock()
        let limit = ConcurrencyLimit(maximum: 64)
        let throttled = RetryReason(
            RunError(.httpRefused, "slow down", httpStatus: 429),
            retryAfter: 7,
            throttled: true
        )
        let retrier = Retrier(
            clock: clock,
            policy: RetryPolicy(),
            gate: PauseGate(clock: clock),
            stop: StopSignal(),
            concurrency: limit
        )
        let task = Task {
            try await retrier.run { (number) async throws(RunError) -> TryVerdict<Int> in
                number <= 2 ? .again(throttled) : .done(number)
            }
        }
        // The two 429s come 7 s apart on the run's clock (a moment apart on the wall clock): two halvings.
        for _ in 0..<2 {
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(7))
        }
        guard case .done(3) = try await task.value else {
            Issue.record("expected the third try to be done")
            return
        }
        #expect(limit.current == 16)
    }

    @Test("a stop ends a backoff at once and says what the last try met")
    func stopEndsTheWait() async throws {
        let clock = ManualClock()
        let stop = StopSignal()
        let task = Task {
            try await Self.retrier(clock, stop: stop).run { (_) async throws(RunError) -> TryVerdict<Int> in
                .again(Self.busy)
            }
        }
        await clock.waitForSleepers(1)
        stop.stop(.interrupted)
        guard case .stopped(let reason?) = try await task.value else {
            Issue.record("expected a stop with the last reason")
            return
        }
        #expect(reason == Self.busy)
    }

    @Test("a task cancelled while an open breaker holds it back ends as stopped, without spinning")
    func cancelledWhileTheBreakerIsOpen() async throws {
        let clock = ManualClock()
        let breaker = OutageBreaker(clock: clock)
        breaker.answered()
        for _ in 0..<3 { _ = breaker.unreachable(.normal) }
        var retrier = Self.retrier(clock)
        retrier.breaker = breaker
        let tries = Mutex(0)
        let task = Task {
            try await retrier.run { (_) async throws(RunError) -> TryVerdict<Int> in
                tries.withLock { $0 += 1 }
                return .done(1)
            }
        }
        await clock.waitForSleepers(1)
        task.cancel()
        guard case .stopped = try await task.value else {
            Issue.record("expected the cancelled request to end as stopped")
            return
        }
        #expect(tries.withLock { $0 } == 0)
    }

    @Test("when retries outrun answers across the run, the budget stops it with a run error")
    func budgetStopsTheRun() async throws {
        let clock = ManualClock()
        let retrier = Self.retrier(
            clock,
            policy: RetryPolicy(maxAttempts: 100, baseDelay: .zero, maxDelay: .zero),
            budget: RetryBudget(capacity: 3)
        )
        await #expect(throws: RunError.self) {
            _ = try await retrier.run { (_) async throws(RunError) -> TryVerdict<Int> in .again(Self.busy) }
        }
    }

    @Test("the executor keeps at most the window in flight, prepares each batch before any of its jobs starts")
    func windowAndWriteAhead() async throws {
        let state = Mutex((inFlight: 0, most: 0, prepared: Set<Int>(), startedUnprepared: 0))
        let executor = WindowedExecutor(concurrency: ConcurrencyLimit(maximum: 3), stop: StopSignal(), batchSize: 4)
        var next = 0
        var landed: [Int] = []
        let unsent = try await executor.run(
            next: { () -> Int? in
                defer { next += 1 }
                return next < 10 ? next : nil
            },
            prepare: { batch in state.withLock { $0.prepared.formUnion(batch) } },
            work: { job in
                state.withLock {
                    if !$0.prepared.contains(job) { $0.startedUnprepared += 1 }
                    $0.inFlight += 1
                    $0.most = max($0.most, $0.inFlight)
                }
                await Task.yield()
                state.withLock { $0.inFlight -= 1 }
                return job
            },
            sink: { landed.append($0) }
        )
        #expect(unsent.isEmpty)
        #expect(landed.sorted() == Array(0..<10))
        let seen = state.withLock { $0 }
        #expect(seen.most <= 3)
        #expect(seen.startedUnprepared == 0)
        #expect(seen.prepared == Set(0..<10))
    }

    @Test("after a stop the executor starts nothing more and returns the jobs it pulled but never started")
    func stopLeavesUnsentJobs() async throws {
        let stop = StopSignal()
        let executor = WindowedExecutor(concurrency: ConcurrencyLimit(maximum: 1), stop: stop, batchSize: 5)
        var next = 0
        var landed: [Int] = []
        let unsent = try await executor.run(
            next: { () -> Int? in
                defer { next += 1 }
                return next < 20 ? next : nil
            },
            work: { job in
                if job == 1 { stop.stop(.interrupted) }
                return job
            },
            sink: { landed.append($0) }
        )
        #expect(landed == [0, 1])
        #expect(unsent == [2, 3, 4, 5, 6, 7, 8, 9])
    }
}
