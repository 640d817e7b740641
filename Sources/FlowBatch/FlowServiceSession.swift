import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI
import Logging

/// Everything a command shares while it talks to Platform: one HTTP transport (its pool sized to the
/// concurrency), the clock, the stop, the `Retry-After` pause, the pace (`--rate`, and below what the
/// service admits once it throttles), the outage breaker, the window of requests in flight and the
/// run-wide retry budget, and the Flow Service client over them. Every command (`run`, `--dry-run`,
/// `undo`, `test`, `export`, `check`, `demo`) gets its client here, and each kind of request gets its
/// retrier from ``retrier(_:)`` by a named ``RequestPolicy`` (as grpc-swift-2's `MethodConfig` names a
/// `RetryPolicy` per method), never by mutating a copy of another's.
public final class FlowServiceSession<C: Clock>: Sendable where C.Duration == Duration {
    /// How the session is made; defaults as `flowbatch run` documents them.
    public struct Configuration: Sendable {
        public var platform: PlatformSettings
        /// Proxies and trusted certificate authorities.
        public var network = NetworkSettings()
        /// Per request.
        public var timeout: Duration = .seconds(30)
        /// Requests in flight at most: the window's ceiling and the pool's size.
        public var concurrency = 2
        /// Requests per second at most, all kinds together; `nil` for no limit.
        public var rate: Double?
        /// How long the service may answer nothing before the command stops.
        public var outageLimit: Duration = .seconds(600)
        /// Tries and backoff.
        public var retry = RetryPolicy()
        /// The run-wide retry allowance that ``Policy/create`` spends.
        public var retryBudgetCapacity: Double = 100

        public init(platform: PlatformSettings) {
            self.platform = platform
        }

        /// A command's session as its options give it: where and as whom, through which network, each
        /// request's timeout and, for the commands that take them, the concurrency and the retry policy
        /// (one initializer for every command, so none sets one and forgets another).
        public init(
            platform: PlatformSettings,
            network: NetworkSettings,
            timeout: Duration,
            concurrency: Int = 2,
            retry: RetryPolicy = RetryPolicy()
        ) {
            self.platform = platform
            self.network = network
            self.timeout = timeout
            self.concurrency = concurrency
            self.retry = retry
        }
    }

    public let configuration: Configuration
    public let clock: C
    public let stop: StopSignal
    public let statistics: RunStatistics
    /// Requests in flight at most, narrowed on 429s; the executor's window.
    public let window: ConcurrencyLimit
    public let client: FlowServiceClient
    public let logger: Logger
    let transport: HTTPTransport
    let gate: PauseGate<C>
    let pacing: AdaptiveRate<C>
    let breaker: OutageBreaker<C>
    let budget: RetryBudget

    public init(
        _ configuration: Configuration,
        clock: C,
        stop: StopSignal,
        statistics: RunStatistics = RunStatistics(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.clock = clock
        self.stop = stop
        self.statistics = statistics
        self.logger = logger
        // Two more than the window: the token fetch and a look-up never wait for a create's slot.
        transport = HTTPTransport(
            connections: configuration.concurrency + 2,
            timeout: configuration.timeout,
            network: configuration.network,
            logger: logger
        )
        gate = PauseGate(clock: clock)
        pacing = AdaptiveRate(configuration: .init(maximumRate: configuration.rate), clock: clock)
        breaker = OutageBreaker(configuration: .init(limit: configuration.outageLimit), clock: clock)
        budget = RetryBudget(capacity: configuration.retryBudgetCapacity)
        window = ConcurrencyLimit(maximum: configuration.concurrency)
        // IMS tokens: the pause, the breaker and the stop, but not the Flow Service's pace or window.
        let tokens = Retrier(
            clock: clock,
            policy: configuration.retry,
            gate: gate,
            stop: stop,
            breaker: breaker,
            statistics: statistics,
            logger: logger
        )
        client = FlowServiceClient.make(
            settings: configuration.platform,
            transport: transport,
            retrying: tokens,
            logger: logger,
            pace: { [stop, pacing] in
                if stop.isStopping { return false }
                if pacing.isFree { return true }
                return await stop.unlessStopped { try await pacing.acquire() }
            }
        )
        let breaker = self.breaker
        statistics.setNotice { [clock] in breaker.status.map { OutageBreaker.describe($0, now: clock.now) } }
    }

    /// The retrier for requests of `policy`, over the session's shared pause, pace, breaker, window
    /// and budget.
    package func retrier(_ policy: RequestPolicy) -> Retrier<C> {
        var retrier = Retrier(
            clock: clock,
            policy: configuration.retry,
            gate: gate,
            stop: stop,
            budget: policy.spendsBudget ? budget : nil,
            concurrency: policy.narrowsWindow ? window : nil,
            pacing: policy.paced ? pacing : nil,
            breaker: breaker,
            statistics: statistics,
            logger: logger
        )
        retrier.pacesEachTry = policy.pacesEachTry
        return retrier
    }

    /// Closes the transport; the session is not used after it.
    public func shutdown() async {
        await transport.shutdown()
    }

    /// Runs `body` with a session that is shut down after it, whatever it throws.
    public static func with<T>(
        _ configuration: Configuration,
        clock: C,
        stop: StopSignal,
        statistics: RunStatistics = RunStatistics(),
        logger: Logger,
        _ body: (FlowServiceSession) async throws -> T
    ) async throws -> T {
        let session = FlowServiceSession(
            configuration,
            clock: clock,
            stop: stop,
            statistics: statistics,
            logger: logger
        )
        do {
            let result = try await body(session)
            await session.shutdown()
            return result
        } catch {
            await session.shutdown()
            throw error
        }
    }
}
