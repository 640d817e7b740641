import Synchronization

/// The live fault settings and the seeded generators that choose faults and delays.
///
/// Faults of `POST /connections` and latency jitter draw from two separate generators, so the
/// faults that a sequence of creates meets do not depend on how many other requests came between.
final class FaultInjector: Sendable {
    private struct State {
        var faults: MockFaults
        var seed: UInt64
        var createDice: SplitMix64
        var delayDice: SplitMix64
        /// `POST /ims/token/v3` answered 429 since the faults were last set.
        var imsRefusals = 0
    }

    private let state: Mutex<State>

    init(_ faults: MockFaults) {
        self.state = Mutex(Self.makeState(faults))
    }

    var faults: MockFaults {
        self.state.withLock { $0.faults }
    }

    /// The seed in use: the configured one, or the one drawn when none was configured.
    var seed: UInt64 {
        self.state.withLock { $0.seed }
    }

    /// ``MockFaults/throttleRPS`` now, read without copying the other settings.
    var throttleRPS: Int? {
        self.state.withLock { $0.faults.throttleRPS }
    }

    /// Replaces the settings; the generators restart from the (possibly new) seed.
    func update(_ faults: MockFaults) {
        self.state.withLock { $0 = Self.makeState(faults) }
    }

    /// The fault for the next `POST /connections`: one draw per request, bands in the order that
    /// ``MockFaults`` documents.
    func drawCreateFault() -> CreateFault {
        self.state.withLock { state in
            guard state.faults.drawsPerCreate else { return .none }
            let draw = state.createDice.nextUnit()
            let faults = state.faults
            var lower = 0.0
            if draw < lower + faults.errorRate {
                return draw < lower + faults.errorRate / 2 ? .internalError : .unavailable
            }
            lower += faults.errorRate
            if draw < lower + faults.ambiguousRate {
                return draw < lower + faults.ambiguousRate / 2 ? .gatewayTimeout : .drop
            }
            lower += faults.ambiguousRate
            for kind in AnswerFault.allCases {
                let share = faults.answerFaults[kind] ?? 0
                if draw < lower + share {
                    return .answer(kind)
                }
                lower += share
            }
            return .none
        }
    }

    /// Whether this `POST /ims/token/v3` is one of the first ``MockFaults/imsThrottleCount``,
    /// to be answered 429; counts it when it is.
    func drawIMSThrottle() -> Bool {
        self.state.withLock { state in
            guard state.imsRefusals < state.faults.imsThrottleCount else { return false }
            state.imsRefusals += 1
            return true
        }
    }

    /// The delay to add to the next answer: latency plus a uniform share of the jitter.
    func drawDelay() -> Duration {
        self.state.withLock { state in
            guard state.faults.latencyJitter > .zero else { return state.faults.latency }
            return state.faults.latency + state.faults.latencyJitter * state.delayDice.nextUnit()
        }
    }

    private static func makeState(_ faults: MockFaults) -> State {
        let seed = faults.seed ?? UInt64.random(in: .min ... .max)
        return State(
            faults: faults,
            seed: seed,
            createDice: SplitMix64(seed: seed),
            delayDice: SplitMix64(seed: seed ^ 0xD1B5_4A32_D192_ED03)
        )
    }
}
