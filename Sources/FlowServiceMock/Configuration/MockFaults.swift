/// The faults the mock injects. Every fault is off by default.
///
/// Shares are fractions in `0...1`. Every `POST /connections` that passes the gateway and the
/// sandbox check draws one number from the seeded generator and lands in at most one band:
/// first ``errorRate``, then ``ambiguousRate``, then each ``answerFaults`` kind in
/// ``AnswerFault/allCases`` order; the rest are answered normally. So the shares together must not
/// exceed 1, and with a fixed ``seed`` the same sequence of requests meets the same faults.
public struct MockFaults: Sendable, Equatable {
    /// Added to every answer (not to `/__mock/stats`). Default zero.
    public var latency: Duration = .zero
    /// A uniformly drawn extra delay in `0...latencyJitter`, added to ``latency``. Default zero.
    public var latencyJitter: Duration = .zero
    /// Platform requests admitted per one-second window; the rest answer 429 `429050` with
    /// `Retry-After: 1`. `nil` (the default) never throttles. Counted over all Platform
    /// requests that pass the gateway's header checks; IMS calls are not throttled.
    public var throttleRPS: Int?
    /// Share of `POST /connections` answered 500 `FLOW-1102-500` or 503 `FLOW-1103-503` (half each)
    /// *without* creating. Default 0.
    public var errorRate: Double = 0
    /// Share of valid `POST /connections` that *create* and then answer 504 `FLOW-1104-504` or
    /// close the TCP connection without an answer (half each). Default 0.
    public var ambiguousRate: Double = 0
    /// Share of `POST /connections` answered with each hostile answer kind. Default none.
    public var answerFaults: [AnswerFault: Double] = [:]
    /// Seed for the fault generator; `nil` (the default) seeds from the system's random source.
    public var seed: UInt64?
    /// Total size in bytes of a ``AnswerFault/hugeBody`` answer. Default 8 MiB.
    public var hugeBodyBytes: Int = 8 << 20
    /// Bytes per write of a ``AnswerFault/slowTrickle`` answer. Default 1.
    public var trickleChunkBytes: Int = 1
    /// Pause between two writes of a ``AnswerFault/slowTrickle`` answer. Default 200 ms.
    public var trickleInterval: Duration = .milliseconds(200)

    /// No faults.
    public init() {}

    /// True when some share of `POST /connections` meets a fault, so a draw is needed per request.
    var drawsPerCreate: Bool {
        self.errorRate > 0 || self.ambiguousRate > 0 || self.answerFaults.values.contains { $0 > 0 }
    }

    /// Checks ranges and that the shares of `POST /connections` add up to at most 1.
    ///
    /// - Throws: ``MockConfigurationError`` naming the first offending option.
    public func validate() throws(MockConfigurationError) {
        guard self.latency >= .zero else {
            throw MockConfigurationError(.outOfRange, option: "latency", value: MockDuration.format(self.latency))
        }
        guard self.latencyJitter >= .zero else {
            throw MockConfigurationError(
                .outOfRange,
                option: "latency-jitter",
                value: MockDuration.format(self.latencyJitter)
            )
        }
        if let rps = self.throttleRPS, rps < 1 {
            throw MockConfigurationError(.outOfRange, option: "throttle-rps", value: String(rps))
        }
        try Self.checkShare(self.errorRate, option: "error-rate")
        try Self.checkShare(self.ambiguousRate, option: "ambiguous-rate")
        for kind in AnswerFault.allCases {
            if let share = self.answerFaults[kind] {
                try Self.checkShare(share, option: "answer-fault \(kind.rawValue)")
            }
        }
        let total = self.errorRate + self.ambiguousRate + self.answerFaults.values.reduce(0, +)
        guard total <= 1 + 1e-9 else {
            throw MockConfigurationError(.sharesExceedOne, option: "error-rate", value: String(total))
        }
        guard self.hugeBodyBytes >= 128 else {
            throw MockConfigurationError(.outOfRange, option: "huge-body-bytes", value: String(self.hugeBodyBytes))
        }
        guard self.trickleChunkBytes >= 1 else {
            throw MockConfigurationError(
                .outOfRange,
                option: "trickle-chunk-bytes",
                value: String(self.trickleChunkBytes)
            )
        }
        guard self.trickleInterval >= .zero else {
            throw MockConfigurationError(
                .outOfRange,
                option: "trickle-interval",
                value: MockDuration.format(self.trickleInterval)
            )
        }
    }

    private static func checkShare(_ share: Double, option: String) throws(MockConfigurationError) {
        guard share.isFinite, (0...1).contains(share) else {
            throw MockConfigurationError(.outOfRange, option: option, value: String(share))
        }
    }
}
