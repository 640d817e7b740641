import FlowBatchModel
import Logging

/// The one retry loop: every request kind (create, patch, look-up, listing page, delete, test, IMS
/// token) is sent through it. Between tries it waits out a `Retry-After` pause that holds every
/// worker (``PauseGate``), the rate limit, and a backoff with full jitter (``RetryPolicy``); 429s
/// are counted apart from failures; a failure spends the run-wide ``RetryBudget`` when there is one;
/// and a stop ends every wait at once.
package struct Retrier<C: Clock>: Retrying where C.Duration == Duration {
    package let clock: C
    package let policy: RetryPolicy
    package let gate: PauseGate<C>
    package let stop: StopSignal
    /// Spent by failures, refilled by answers; `nil` for requests that do not count against it.
    package var budget: RetryBudget?
    /// Narrowed on 429s, widened on answers.
    package var concurrency: ConcurrencyLimit?
    /// Paces each try (`--rate`), before it counts as an attempt.
    package var rateLimiter: RateLimiter<C>?
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
        rateLimiter: RateLimiter<C>? = nil,
        statistics: RunStatistics? = nil,
        logger: Logger? = nil
    ) {
        self.clock = clock
        self.policy = policy
        self.gate = gate
        self.stop = stop
        self.budget = budget
        self.concurrency = concurrency
        self.rateLimiter = rateLimiter
        self.statistics = statistics
        self.logger = logger
    }

    package func run<Value: Sendable>(
        _ attempt: (_ number: Int) async throws(RunError) -> TryVerdict<Value>
    ) async throws(RunError) -> RetryEnd<Value> {
        var generator = SystemRandomNumberGenerator()
        var number = 0
        var failures = 0
        var throttles = 0
        var last: RetryReason?
        while true {
            if stop.isStopping { return .stopped(last) }
            if gate.isPaused, !(await stop.unlessStopped({ [gate] in try await gate.wait() })) { continue }
            if let rateLimiter, !(await stop.unlessStopped({ try await rateLimiter.acquire() })) { continue }
            number += 1
            let reason: RetryReason
            switch try await attempt(number) {
            case .done(let value):
                budget?.recordSuccess()
                concurrency?.succeeded()
                return .done(value)
            case .again(let again):
                reason = again
            }
            last = reason
            let retry: Int
            if reason.throttled {
                throttles += 1
                concurrency?.throttled()
                if let after = reason.retryAfter { gate.pause(until: clock.now.advanced(by: .seconds(after))) }
                if throttles > policy.maxThrottledAttempts { return .gaveUp(reason) }
                retry = throttles
            } else {
                failures += 1
                if failures >= policy.maxAttempts { return .gaveUp(reason) }
                if let budget, !budget.tryRetry() {
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
                "\(reason.failure.code), retrying",
                metadata: ["delay-ms": "\(delay.milliseconds)", "try": "\(number)"]
            )
            statistics?.retrying(1)
            _ = await stop.unlessStopped { [clock] in try await clock.sleep(for: delay) }
            statistics?.retrying(-1)
        }
    }
}
