/// The faults the mock injects. Every fault is off by default.
///
/// Shares are fractions in `0...1`. Every create (`POST /connections`, `/sourceConnections`,
/// `/targetConnections`, `/flows`; "`POST /connections`" below stands for all four) that passes the gateway and the
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
    /// Throttled answers (of ``throttleRPS`` and ``imsThrottleCount``) are a bare 429: no body and
    /// no `Retry-After`, as some Adobe gateways send. Default false.
    public var throttleBare = false
    /// The first this many `POST /ims/token/v3` answer 429 (with `Retry-After: 1` and an empty
    /// body, or bare with ``throttleBare``) before IMS issues tokens again. Default 0.
    public var imsThrottleCount = 0
    /// A listing `limit` above this is refused with `FLOW-1453-400`, as a service whose largest page
    /// is smaller than the mock's 1,000 might. `nil` (the default): larger limits are cut to 1,000.
    public var largestPage: Int?
    /// Every `PATCH /connections/{id}` answers `FLOW-1445-400` ("PATCH Connection Feature not
    /// enabled"), as an org without the feature does.
    public var patchDisabled = false
    /// Sandboxes that exist (also when not among the configured sandboxes) but where the token
    /// lacks permission: connection calls there answer 403 `FLOW-2121-403` (the `manage`
    /// permission for create, patch and delete, `view` for list, get and test). Default none.
    public var forbiddenSandboxes: Set<String> = []
    /// Every token (issued or static) is valid but not entitled to the org: Platform calls answer
    /// 403 `403025` "Profile is not valid". Default false.
    public var unentitledToken = false
    /// When an outage starts, measured on the mock's clock from its start. During the outage
    /// every request but `/__mock/stats` (Flow Service and IMS alike) has its TCP connection
    /// closed without an answer. `nil` (the default): no outage.
    public var outageAt: Duration?
    /// How long the outage from ``outageAt`` lasts. Default zero.
    public var outageFor: Duration = .zero
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

    /// Whether `elapsed` (time since the mock started) falls inside the outage window.
    func inOutage(elapsed: Duration) -> Bool {
        guard let start = self.outageAt else { return false }
        return elapsed >= start && elapsed < start + self.outageFor
    }

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
        guard self.imsThrottleCount >= 0 else {
            throw MockConfigurationError(.outOfRange, option: "ims-429-count", value: String(self.imsThrottleCount))
        }
        if let outageAt = self.outageAt {
            guard outageAt >= .zero else {
                throw MockConfigurationError(.outOfRange, option: "outage-at", value: MockDuration.format(outageAt))
            }
            guard self.outageFor > .zero else {
                throw MockConfigurationError(.needsOption, option: "outage-at", value: "outage-for")
            }
        }
        if let blank = self.forbiddenSandboxes.first(where: \.isEmpty) {
            throw MockConfigurationError(.outOfRange, option: "forbidden-sandboxes", value: blank)
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
