import FlowBatchModel
import Logging

/// The one retry loop: every request kind (create, patch, look-up, listing page, delete, test, IMS
/// token) is sent through it. Before each try it waits out a `Retry-After` pause that holds every
/// worker (``PauseGate``), the pace (``AdaptiveRate``: `--rate`, and below what the service admits
/// once it throttles) and an outage (``OutageBreaker``: while the service answers nothing, no try
/// counts against a row); after a failure, a backoff with full jitter (``RetryPolicy``). 429s are
/// counted apart from failures; a failure spends the run-wide ``RetryBudget`` when there is one,
/// unless it is the service being unreachable (the breaker's); and a stop ends every wait at once.
package struct Retrier<C: Clock>: Retrying where C.Duration == Duration {
    package let clock: C
    package let policy: RetryPolicy
    package let gate: PauseGate<C>
    package let stop: StopSignal
    /// Spent by failures, refilled by answers; `nil` for requests that do not count against it.
    package var budget: RetryBudget?
    /// Narrowed on 429s, widened on answers.
    package var concurrency: ConcurrencyLimit?
    /// The run's pace: it hears every answer (429 or not) and, with ``pacesEachTry``, each try
    /// waits for its slot before it counts as an attempt.
    package var pacing: AdaptiveRate<C>?
    /// Whether each try waits for the pace here (`false` for requests the client paces itself:
    /// listing pages and look-ups, page by page).
    package var pacesEachTry = true
    /// Holds every try back while the service is unreachable; shared by every request of the run.
    package var breaker: OutageBreaker<C>?
    /// Counts the requests waiting to be retried, for the progress line.
    package var statistics: RunStatistics?
    package var logger: Logger?

    package init(
        clock: C,
        policy: RetryPolicy,
        gate: PauseGate<C>,
        stop: StopSignal,
        budget: RetryBudget? = nil,
        concurrency: ConcurrencyLimit? = nil,
        pacing: AdaptiveRate<C>? = nil,
        breaker: OutageBreaker<C>? = nil,
        statistics: RunStatistics? = nil,
        logger: Logger? = nil
    ) {
        self.clock = clock
        self.policy = policy
        self.gate = gate
        self.stop = stop
        self.budget = budget
        self.concurrency = concurrency
        self.pacing = pacing
        self.breaker = breaker
        self.statistics = statistics
        self.logger = logger
    }

    package func run<Value: Sendable>(
        _ attempt: (_ number: Int) async throws(RunError) -> TryVerdict<Value>
    ) async throws(RunError) -> RetryEnd<Value> {
        try await run(before: { () async throws(RunError) -> Value? in nil }, attempt)
    }

    /// As ``run(_:)``, with `before` called ahead of each try, before it waits for the pause, the
    /// pace or the breaker: a value from it ends the request without a try. A create's name look-up
    /// goes there, as a request of its own, so that it never runs inside the create's admission.
    /// Every value `attempt` is done with must come from the service's answer: it closes the breaker.
    package func run<Value: Sendable>(
        before: () async throws(RunError) -> Value?,
        _ attempt: (_ number: Int) async throws(RunError) -> TryVerdict<Value>
    ) async throws(RunError) -> RetryEnd<Value> {
        var generator = SystemRandomNumberGenerator()
        var number = 0
        var failures = 0
        var throttles = 0
        var last: RetryReason?
        while true {
            // A cancelled task ends here too: every wait below would end at once, again and again.
            if stop.isStopping || Task.isCancelled { return .stopped(last) }
            if let settled = try await before() { return .done(settled) }
            if gate.isPaused, !(await stop.unlessStopped({ [gate] in try await gate.wait() })) { continue }
            if pacesEachTry, let pacing, !pacing.isFree, !(await stop.unlessStopped({ try await pacing.acquire() })) {
                continue
            }
            var admission = OutageBreaker<C>.Admission.normal
            // A closed breaker admits at once; only an open one is waited for (a wait a stop ends).
            if let breaker, breaker.status != nil {
                do {
                    guard let admitted = try await stop.untilStopped({ try await breaker.admit() }) else { continue }
                    admission = admitted
                } catch let limit as OutageLimitReached {
                    throw RunError(.serviceUnreachable, limit.description)
                } catch {
                    continue
                }
            }
            number += 1
            let reason: RetryReason
            switch try await attempt(number) {
            case .done(let value):
                budget?.recordSuccess()
                concurrency?.succeeded()
                breaker?.answered()
                pacing?.admitted()
                return .done(value)
            case .again(let again):
                reason = again
            }
            if reason.unreachable, let breaker {
                // The service, not the request: while the breaker is open the try is not the row's.
                if breaker.unreachable(admission) == .waitAndResend {
                    last = reason
                    continue
                }
            } else {
                breaker?.answered()
                if reason.throttled {
                    pacing?.throttled(retryAfter: reason.retryAfter.map { .milliseconds(Int64($0 * 1000)) })
                } else {
                    pacing?.admitted()
                }
            }
            last = reason
            let retry: Int
            if reason.throttled {
                throttles += 1
                concurrency?.throttled(now: clock.now)
                if let after = reason.retryAfter { gate.pause(until: clock.now.advanced(by: .seconds(after))) }
                if throttles > policy.maxThrottledAttempts { return .gaveUp(reason) }
                retry = throttles
            } else {
                failures += 1
                if failures >= policy.maxAttempts { return .gaveUp(reason) }
                if let budget, !(reason.unreachable && breaker != nil), !budget.tryRetry() {
                    let (retries, successes) = budget.counts
                    throw RunError(
                        .retryBudgetSpent,
                        "too many requests are failing (\(retries) retries against \(successes) successes; the last: "
                            + "\(reason.failure.message)); the service looks unhealthy, so the run stopped. Run the "
                            + "same command again later to resume"
                    )
                }
                retry = failures
            }
            let delay = policy.delay(beforeRetry: retry, retryAfter: reason.retryAfter, using: &generator)
            logger?.debug(
                "\(reason.failure.resultCode), retrying",
                metadata: ["delay-ms": "\(delay.milliseconds)", "try": "\(number)"]
            )
            statistics?.retrying(1)
            _ = await stop.unlessStopped { [clock] in try await clock.sleep(for: delay) }
            statistics?.retrying(-1)
        }
    }
}
