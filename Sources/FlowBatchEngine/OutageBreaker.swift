import FlowBatchModel
import Synchronization

/// Holds every worker of a run back while the service cannot be reached, so that an outage is the
/// run's and not the rows': no row spends an attempt on it, one probe at a time finds out when the
/// service is back, and the run stops only after ``Configuration/limit``.
///
/// Call ``admit()`` before every request (of any kind), then ``answered()`` for any answer the
/// service gave (a 4xx and a 429 count: the service is there) or ``unreachable(_:)`` for a failure
/// that is the service's, not the row's (cannot connect, connection reset, timeout, 5xx).
///
/// - **Only once the service has answered**: before its first answer, a failure is an ordinary
///   one (a wrong `--endpoint` or IMS URL should fail fast, not wait for an outage to end).
/// - **Opens** after ``Configuration/openAfter`` (3) such failures in a row with no answer between,
///   from whichever workers: one blip on a closed breaker holds nobody back. A failed probe keeps it
///   open.
/// - **While open**, ``admit()`` waits; exactly one caller at a time is let through as
///   ``Admission/probe`` when the next probe is due. Probes are spaced by capped exponential
///   backoff after each failed one: 1 s, 2 s, 4 s … 30 s (``Configuration/probeDelay``), without
///   jitter: only one request goes out per probe, so there is no herd to spread, and the progress
///   line can say exactly when the next try is. A probe that never reports (its task ended) is
///   given up after ``Configuration/probeLease`` and another is let through.
/// - **Closes** on any answer, from the probe or from a request that was in flight, and releases
///   every waiter at once.
/// - **Gives up** once the service has been unreachable (since the first failure of the run that
///   opened it) for ``Configuration/limit``: every waiter, and every later caller, gets
///   ``OutageLimitReached``.
///
/// A waiting ``admit()`` ends at once with `CancellationError` when its task is cancelled.
public final class OutageBreaker<C: Clock>: Sendable where C.Duration == Duration {
    /// How the breaker opens, probes and gives up.
    public struct Configuration: Sendable, Equatable {
        /// Failures in a row, with no answer between, that open the breaker (default 3).
        public var openAfter: Int
        /// The delays between probes: `ceiling(beforeRetry: 1)` from the opening to the first probe,
        /// `ceiling(beforeRetry: n + 1)` after `n` failed probes (default 1 s, doubling, up to 30 s;
        /// the policy's jitter is not used).
        public var probeDelay: RetryPolicy
        /// How long a probe may stay out without reporting before another is sent (default 2 min,
        /// longer than any request's timeout).
        public var probeLease: Duration
        /// How long the service may stay unreachable before the run stops (`--outage-limit`,
        /// default 10 minutes).
        public var limit: Duration

        public init(
            openAfter: Int = 3,
            probeDelay: RetryPolicy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(30)),
            probeLease: Duration = .seconds(120),
            limit: Duration = .seconds(600)
        ) {
            self.openAfter = max(1, openAfter)
            self.probeDelay = probeDelay
            self.probeLease = probeLease
            self.limit = limit
        }
    }

    /// What ``admit()`` lets a request go out as.
    public enum Admission: Sendable, Equatable {
        /// The breaker is closed: an ordinary request.
        case normal
        /// The breaker is open and this request is the one probe allowed out: report its outcome.
        case probe
    }

    /// What a failure that is the service's means for the row whose request it was.
    public enum Verdict: Sendable, Equatable {
        /// The breaker is closed: an ordinary transient failure; the row spends the attempt and
        /// backs off as usual.
        case countAttempt
        /// The breaker is (or just became) open: not the row's fault. Do not count the attempt;
        /// call ``admit()`` again (it waits) and send the same request again.
        case waitAndResend
    }

    /// An open breaker, for the progress line.
    public struct Status: Sendable, Equatable {
        /// When the first failure of the run that opened the breaker came.
        public var unreachableSince: C.Instant
        /// When the next probe goes out, or when the one out now went.
        public var nextTry: C.Instant
        /// Whether a probe is out now.
        public var probing: Bool

        public init(unreachableSince: C.Instant, nextTry: C.Instant, probing: Bool) {
            self.unreachableSince = unreachableSince
            self.nextTry = nextTry
            self.probing = probing
        }
    }

    private struct State {
        /// Failures in a row with no answer between, and when the first of them came.
        var failuresInARow = 0
        /// Whether the service has answered anything yet: before it has, nothing is an outage (a
        /// wrong endpoint or IMS URL fails fast, at the start, as a configuration error).
        var heard = false
        var firstFailure: C.Instant?
        var open: Open?
        var expired: OutageLimitReached?
        /// Bumped on every change a waiter must see; waiters wait for a bump.
        var generation = 0
    }

    private struct Open {
        var since: C.Instant
        var nextProbe: C.Instant
        var failedProbes = 0
        /// When the probe now out was let through.
        var probeSent: C.Instant?
    }

    public let configuration: Configuration
    private let clock: C
    private let state = Mutex(State())
    private let waiters = Waiters()

    public init(configuration: Configuration = Configuration(), clock: C) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Waits until a request may go out.
    ///
    /// Returns at once with ``Admission/normal`` while the breaker is closed (no task, no sleep).
    /// - Throws: ``OutageLimitReached`` once the service has been unreachable for
    ///   ``Configuration/limit``; `CancellationError` when the task is cancelled while waiting.
    public func admit() async throws -> Admission {
        while true {
            let now = clock.now
            let decision = state.withLock { state in decide(&state, now: now) }
            switch decision {
            case .admit(let admission): return admission
            case .fail(let error): throw error
            case .wait(let until, let generation):
                try await wait(until: until, unlessChangedFrom: generation)
            }
        }
    }

    /// The service answered (any status, a 4xx or a 429 too): closes the breaker and releases every
    /// waiter.
    public func answered() {
        let changed = state.withLock { state -> Bool in
            state.heard = true
            state.failuresInARow = 0
            state.firstFailure = nil
            guard state.open != nil else { return false }
            state.open = nil
            return bump(&state)
        }
        if changed { waiters.wakeAll() }
    }

    /// A request admitted as `admission` failed for a reason that is the service's (cannot connect,
    /// connection reset, timeout, 5xx); says whether the row spends the attempt.
    public func unreachable(_ admission: Admission) -> Verdict {
        let now = clock.now
        let (verdict, changed) = state.withLock { state -> (Verdict, Bool) in
            guard state.heard else { return (.countAttempt, false) }
            if var open = state.open {
                if admission == .probe {
                    open.failedProbes += 1
                    open.probeSent = nil
                    open.nextProbe = now.advanced(
                        by: configuration.probeDelay.ceiling(beforeRetry: open.failedProbes + 1)
                    )
                    state.open = open
                    return (.waitAndResend, bump(&state))
                }
                return (.waitAndResend, false)
            }
            state.failuresInARow += 1
            if state.firstFailure == nil { state.firstFailure = now }
            guard state.failuresInARow >= configuration.openAfter else { return (.countAttempt, false) }
            state.open = Open(
                since: state.firstFailure ?? now,
                nextProbe: now.advanced(by: configuration.probeDelay.ceiling(beforeRetry: 1))
            )
            return (.waitAndResend, bump(&state))
        }
        if changed { waiters.wakeAll() }
        return verdict
    }

    /// The open breaker's state for the progress line; `nil` while closed.
    public var status: Status? {
        state.withLock { state in
            state.open.map {
                Status(unreachableSince: $0.since, nextTry: $0.probeSent ?? $0.nextProbe, probing: $0.probeSent != nil)
            }
        }
    }

    /// The progress line's words for `status`: "service unreachable for 0:42, next try in 8 s"
    /// ("…, trying again now" while a probe is out). Elapsed time is rounded down, the wait up.
    public static func describe(_ status: Status, now: C.Instant) -> String {
        let elapsed = OutageLimitReached.clockText(status.unreachableSince.duration(to: now))
        guard !status.probing else { return "service unreachable for \(elapsed), trying again now" }
        let wait = max(0, now.duration(to: status.nextTry) / .seconds(1)).rounded(.up)
        return "service unreachable for \(elapsed), next try in \(Int(wait)) s"
    }

    private enum Decision {
        case admit(Admission)
        case fail(OutageLimitReached)
        case wait(until: C.Instant, generation: Int)
    }

    private func decide(_ state: inout State, now: C.Instant) -> Decision {
        if let expired = state.expired { return .fail(expired) }
        guard var open = state.open else { return .admit(.normal) }
        let deadline = open.since.advanced(by: configuration.limit)
        if now >= deadline {
            let error = OutageLimitReached(unreachableFor: open.since.duration(to: now), limit: configuration.limit)
            state.expired = error
            return .fail(error)
        }
        if let sent = open.probeSent, now >= sent.advanced(by: configuration.probeLease) {
            open.probeSent = nil
        }
        if open.probeSent == nil, now >= open.nextProbe {
            open.probeSent = now
            state.open = open
            return .admit(.probe)
        }
        state.open = open
        let due = open.probeSent.map { $0.advanced(by: configuration.probeLease) } ?? open.nextProbe
        return .wait(until: min(due, deadline), generation: state.generation)
    }

    /// Marks a change; the caller wakes the waiters once out of the lock.
    private func bump(_ state: inout State) -> Bool {
        state.generation += 1
        return true
    }

    /// Sleeps until `instant`, or until the state changes from `generation`, whichever comes first.
    private func wait(until instant: C.Instant, unlessChangedFrom generation: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [clock] in try await clock.sleep(until: instant, tolerance: nil) }
            group.addTask { await self.change(from: generation) }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
        try Task.checkCancellation()
    }

    /// Returns once the state is no longer at `generation` (or the task is cancelled).
    private func change(from generation: Int) async {
        await waiters.wait { state.withLock { $0.generation != generation } }
    }
}

/// The service stayed unreachable for longer than `--outage-limit`: the run stops (exit 2), and the
/// rows not sent are `not-run`, to be sent by the same command later.
public struct OutageLimitReached: Error, Sendable, Equatable, CustomStringConvertible {
    /// How long the service had been unreachable.
    public var unreachableFor: Duration
    /// The `--outage-limit` it reached.
    public var limit: Duration

    public init(unreachableFor: Duration, limit: Duration) {
        self.unreachableFor = unreachableFor
        self.limit = limit
    }

    public var description: String {
        "the service has been unreachable for \(Self.clockText(unreachableFor)) (--outage-limit"
            + " \(Self.clockText(limit))), so the run stopped; run the same command again to resume"
    }

    /// `m:ss`, or `h:mm:ss` from an hour, rounded down to the second.
    static func clockText(_ duration: Duration) -> String {
        let total = max(0, duration.components.seconds)
        let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60)
        func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0
            ? "\(hours):\(twoDigits(minutes)):\(twoDigits(seconds))" : "\(minutes):\(twoDigits(seconds))"
    }
}
