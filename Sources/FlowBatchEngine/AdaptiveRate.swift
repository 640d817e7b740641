import FlowBatchModel
import Synchronization

/// Paces requests just below the rate the service admits, learned from its 429s, so that few
/// requests are throttled; over all kinds of requests together (one pace per ``Retrier``'s session).
///
/// Unlimited (no wait, no sleep) until the first 429, or capped by the user's `--rate` only. Then:
/// - **Decrease**: the pace becomes ``Configuration/margin`` (97%) of the admitted rate, measured as
///   the answers that were not 429 in the last ``Configuration/window`` (1 s, counted in tenths, the
///   oldest tenth in proportion to the part of it still inside), but never less than
///   half the pace it had (a measure taken just after a pause reads low). The 429s of one
///   ``Configuration/window`` after a decrease are one burst: they decrease nothing more, and as its
///   answers come in any order, the burst is measured at its largest. A 429 with nothing admitted in
///   the last window says nothing about the rate: only the pace is halved, if there is one.
/// - **Pause**: every 429 also holds every slot back until its `Retry-After`, or for
///   ``Configuration/defaultPause`` (1 s) when it has none (a bare 429: no header, no body). A slot
///   handed out before the pause waits for it too. ``PauseGate`` may still pause workers for the
///   same `Retry-After`: the two end together, and a worker leaving the gate then takes the next
///   paced slot here, so the workers do not all go at once when a pause ends.
/// - **Increase**: while no 429 comes, the pace grows as `r₀ × (1 + (t / τ)²)`, `t` the time since
///   the last decrease and τ ``Configuration/growthTime`` (180 s): +3% after 30 s, ×2 after 3 min.
///   Slow at first, because each 429 costs a pause; faster later, so that a service admitting more
///   again is found within minutes.
public final class AdaptiveRate<C: Clock>: Sendable where C.Duration == Duration {
    /// The constants of the adaptation.
    public struct Configuration: Sendable, Equatable {
        /// The user's `--rate`, requests per second, a ceiling at all times; `nil` (default): none.
        public var maximumRate: Double?
        /// The share of the measured admitted rate paced at after a 429 (default 0.97).
        public var margin: Double
        /// The window over which the admitted rate is measured, and the least time between two
        /// decreases (default 1 s).
        public var window: Duration
        /// The pause after a 429 without `Retry-After` (default 1 s).
        public var defaultPause: Duration
        /// τ: the pace has doubled this long after a decrease without a 429 (default 180 s).
        public var growthTime: Duration
        /// The slowest pace, requests per second (default 0.5).
        public var minimumRate: Double

        public init(
            maximumRate: Double? = nil,
            margin: Double = 0.97,
            window: Duration = .seconds(1),
            defaultPause: Duration = .seconds(1),
            growthTime: Duration = .seconds(180),
            minimumRate: Double = 0.5
        ) {
            self.maximumRate = maximumRate.map { max($0, 0.000_001) }
            self.margin = margin
            self.window = window
            self.defaultPause = defaultPause
            self.growthTime = growthTime
            self.minimumRate = minimumRate
        }
    }

    /// The window is counted in tenths; the ring holds one more, the tenth that is sliding out.
    private static var tenths: Int { 10 }

    private struct State {
        /// The pace set by the last decrease, and when; `nil` until the first 429.
        var learned: (rate: Double, at: C.Instant)?
        var nextSlot: C.Instant?
        var pausedUntil: C.Instant?
        /// Bumped by every pause: a slot handed out before it is taken again after it.
        var epoch = 0
        /// Admitted answers per tenth of the window, a ring indexed by tenth number.
        var admittedCounts = [Int](repeating: 0, count: AdaptiveRate.tenths + 1)
        var admittedTenths = [Int64](repeating: .min, count: AdaptiveRate.tenths + 1)
    }

    public let configuration: Configuration
    private let clock: C
    private let origin: C.Instant
    private let state = Mutex(State())

    public init(configuration: Configuration = Configuration(), clock: C) {
        self.configuration = configuration
        self.clock = clock
        origin = clock.now
    }

    /// The pace now, requests per second; `nil` while unlimited.
    public var rate: Double? {
        let now = clock.now
        return state.withLock { pace($0.learned, now: now) }
    }

    /// Whether ``acquire()`` would return at once: no pace (no 429 yet, no `--rate`) and no pause.
    /// Lets a caller skip the wait (and the task it takes to make the wait end on a stop).
    public var isFree: Bool {
        let now = clock.now
        return state.withLock { state in
            if let until = state.pausedUntil, until > now { return false }
            return pace(state.learned, now: now) == nil
        }
    }

    /// Waits for the next free slot (and for a pause to end).
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func acquire() async throws {
        while true {
            let now = clock.now
            let (slot, epoch) = state.withLock { state -> (C.Instant, Int) in
                if let until = state.pausedUntil, until > now { return (until, -1) }
                guard let rate = pace(state.learned, now: now) else { return (now, state.epoch) }
                let slot = state.nextSlot.map { max($0, now) } ?? now
                state.nextSlot = slot.advanced(by: .seconds(1 / rate))
                return (slot, state.epoch)
            }
            if slot > now { try await clock.sleep(until: slot, tolerance: nil) }
            // A pause that came while this slot was waited for is waited for too.
            if epoch >= 0, state.withLock({ $0.epoch == epoch }) { return }
        }
    }

    /// The service answered something other than 429 (it admitted the request).
    public func admitted() {
        let tenth = Int64(tenths(at: clock.now))
        state.withLock { state in
            let index = Int(tenth % Int64(Self.tenths + 1))
            if state.admittedTenths[index] != tenth {
                state.admittedTenths[index] = tenth
                state.admittedCounts[index] = 0
            }
            state.admittedCounts[index] += 1
        }
    }

    /// The service answered 429, with `Retry-After` (`retryAfter`) or without.
    public func throttled(retryAfter: Duration?) {
        let now = clock.now
        let position = tenths(at: now)
        let tenth = Int64(position)
        state.withLock { state in
            let until = now.advanced(by: retryAfter ?? configuration.defaultPause)
            if state.pausedUntil.map({ $0 < until }) ?? true {
                state.pausedUntil = until
                state.nextSlot = until
                state.epoch += 1
            }
            // A sliding window: the last tenths in full, and of the one sliding out the share still in.
            var recent = 0.0
            for (stamp, count) in zip(state.admittedTenths, state.admittedCounts) {
                if stamp > tenth - Int64(Self.tenths) {
                    recent += Double(count)
                } else if stamp == tenth - Int64(Self.tenths) {
                    recent += Double(count) * (1 - (position - Double(tenth)))
                }
            }
            let measured = configuration.margin * recent / (configuration.window / .seconds(1))
            if var learned = state.learned, learned.at.duration(to: now) < configuration.window {
                // The same burst: its answers come in any order, so it is measured at its largest.
                learned.rate = max(learned.rate, measured)
                state.learned = learned
                return
            }
            let current = pace(state.learned, now: now)
            let next: Double
            if recent > 0 {
                next = current.map { max(measured, $0 / 2) } ?? measured
            } else if let current {
                next = current / 2
            } else {
                return
            }
            state.learned = (max(next, configuration.minimumRate), now)
        }
    }

    private func pace(_ learned: (rate: Double, at: C.Instant)?, now: C.Instant) -> Double? {
        guard let learned else { return configuration.maximumRate }
        let growth = learned.at.duration(to: now) / configuration.growthTime
        let grown = learned.rate * (1 + growth * growth)
        return configuration.maximumRate.map { min($0, grown) } ?? grown
    }

    /// Tenths of the window since the start, with their fraction.
    private func tenths(at instant: C.Instant) -> Double {
        origin.duration(to: instant) / configuration.window * Double(Self.tenths)
    }
}
