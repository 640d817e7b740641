import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Logging
import Testing

@testable import FlowBatch
@testable import FlowBatchEngine
@testable import FlowBatchModel
@testable import FlowBatchReport
@testable import FlowServiceAPI

/// The worker against the real mock over loopback, with time on a manual clock: the retry loop's
/// backoff is checked without a real sleep.
@Suite("Row worker", .timeLimit(.minutes(2)))
struct RowWorkerTests {
    @Test(
        "a row answered 500/503 every time is looked up before each resend and before giving up, backs off within the capped ceilings, then fails"
    )
    func retriesWithBackoffThenFails() async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        configuration.staticToken = "worker-token"
        configuration.faults.errorRate = 1
        configuration.faults.seed = 11
        var logger = Logger(label: "test.worker")
        logger.logLevel = .critical
        let directory = try TemporaryDirectory()
        try await FlowServiceMock.withRunning(configuration, logger: logger) { mock in
            let transport = HTTPTransport(connections: 2, timeout: .seconds(10), logger: logger)
            let clock = ManualClock()
            let policy = RetryPolicy(maxAttempts: 4, baseDelay: .seconds(1), maxDelay: .seconds(3))
            let worker = try Self.worker(
                mock: mock,
                authentication: .accessToken(Secret("worker-token")),
                transport: transport,
                clock: clock,
                policy: policy,
                journal: directory.file("journal"),
                logger: logger
            )
            let job = Self.job()
            let running = Task { await worker.process(job) }
            var delays: [Duration] = []
            // Each backoff is a sleep on the manual clock: note it, then let it pass at once.
            while true {
                let sleeping = await Self.poll {
                    clock.sleeperCount == 1 || mock.stats().total("POST /connections") == 4
                }
                guard sleeping, clock.sleeperCount == 1 else { break }
                let delay = clock.now.duration(to: clock.deadlines[0])
                delays.append(delay)
                clock.advance(by: delay)
                _ = await Self.poll { clock.sleeperCount == 0 }
            }
            let result = await running.value
            await transport.shutdown()
            #expect(result.outcome.status == .failed)
            #expect(result.outcome.attempts == 4)
            #expect(result.outcome.errorCode?.hasPrefix("FLOW-110") == true, "\(result.outcome)")
            // The last failure was looked up too: nothing was created, so the failure is certain.
            #expect(!result.ambiguous)
            #expect(delays.count == 3)
            for (index, delay) in delays.enumerated() {
                #expect(
                    delay >= .zero && delay <= policy.ceiling(beforeRetry: index + 1),
                    "retry \(index + 1): \(delay)"
                )
            }
            #expect(policy.ceiling(beforeRetry: 3) == .seconds(3))
            #expect(mock.stats().total("POST /connections") == 4)
            // 500 and 503 may have created the connection: a look-up before every resend, and one
            // before giving up.
            #expect(mock.stats().total("GET /connections") == 4)
            #expect(mock.stats().connections == 0)
        }
    }

    @Test("a token IMS will not issue stops the run before the row is sent: the row is not-run, not failed")
    func tokenFailureLeavesTheRowNotRun() async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        var logger = Logger(label: "test.worker")
        logger.logLevel = .critical
        let directory = try TemporaryDirectory()
        try await FlowServiceMock.withRunning(configuration, logger: logger) { mock in
            // The deadline is real time and the retrier's clock a manual one that never advances: a token request
            // that timed out on a machine busy with the whole suite would wait for ever, so it gets a generous one.
            let transport = HTTPTransport(connections: 2, timeout: .seconds(60), logger: logger)
            let worker = try Self.worker(
                mock: mock,
                authentication: .clientCredentials(
                    clientID: mock.configuration.clientID,
                    clientSecret: Secret("not-the-client-S3CRET"),
                    scopes: "openid"
                ),
                transport: transport,
                clock: ManualClock(),
                policy: RetryPolicy(),
                journal: directory.file("journal"),
                logger: logger
            )
            let result = await worker.process(Self.job())
            await transport.shutdown()
            #expect(result.outcome.status == .notRun)
            #expect(result.outcome.attempts == 0)
            #expect(result.runError?.code == .credentialsRefused, "\(String(describing: result.runError))")
            #expect(mock.stats().total("POST /connections") == 0)
            #expect(!"\(result)".contains("not-the-client-S3CRET"))
        }
    }

    @Test("with a rate limit, the token request to IMS and each listing page wait for their turns")
    func tokenRequestIsPaced() async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        var logger = Logger(label: "test.worker")
        logger.logLevel = .critical
        try await FlowServiceMock.withRunning(configuration, logger: logger) { mock in
            let transport = HTTPTransport(connections: 2, timeout: .seconds(10), logger: logger)
            let clock = ManualClock()
            let limiter = AdaptiveRate(configuration: .init(maximumRate: 1), clock: clock)
            try await limiter.acquire()  // the turn at time 0 is taken
            let settings = PlatformSettings(
                endpoint: mock.flowServiceURL,
                imsURL: mock.baseURL,
                orgID: mock.configuration.orgID,
                apiKey: mock.configuration.clientID,
                authentication: .clientCredentials(
                    clientID: mock.configuration.clientID,
                    clientSecret: Secret(mock.configuration.clientSecret),
                    scopes: "openid"
                )
            )
            let client = FlowServiceClient.make(
                settings: settings,
                transport: transport,
                retrying: Retrier(
                    clock: clock,
                    policy: RetryPolicy(),
                    gate: PauseGate(clock: clock),
                    stop: StopSignal()
                ),
                logger: logger
            ) {
                try? await limiter.acquire()
                return true
            }
            let lookUp = ResourceCreate(
                kind: .baseConnection,
                sandbox: "prod",
                name: "Paced",
                body: [],
                secrets: [],
                lookUpFilters: FlowServiceClient.connectionLookUpFilters(name: "Paced")
            )
            let listing = Task { try await client.resources(matching: lookUp) }
            #expect(await Self.poll { clock.sleeperCount == 1 })
            #expect(mock.stats().total("POST /ims/token/v3") == 0)
            // The page takes the next turn; the token it then needs waits for the one after.
            clock.advance(by: .seconds(1))
            #expect(await Self.poll { clock.sleeperCount == 1 })
            #expect(mock.stats().total("POST /ims/token/v3") == 0)
            #expect(mock.stats().total("GET /connections") == 0)
            clock.advance(by: .seconds(1))
            do {
                _ = try await listing.value
            } catch {
                Issue.record("the listing failed: \(error)")
                return
            }
            await transport.shutdown()
            #expect(mock.stats().total("POST /ims/token/v3") == 1)
            #expect(mock.stats().total("GET /connections") == 1)
        }
    }

    static func worker(
        mock: RunningMock,
        authentication: PlatformSettings.Authentication,
        transport: HTTPTransport,
        clock: ManualClock,
        policy: RetryPolicy,
        journal: String,
        logger: Logger
    ) throws -> RowWorker<ManualClock> {
        let settings = PlatformSettings(
            endpoint: mock.flowServiceURL,
            imsURL: mock.baseURL,
            orgID: mock.configuration.orgID,
            apiKey: mock.configuration.clientID,
            authentication: authentication
        )
        let stop = StopSignal()
        let gate = PauseGate(clock: clock)
        // IMS on real time with short backoffs: a token request that fails once under a loaded machine is
        // retried, instead of sleeping on a manual clock that nothing advances.
        let realTime = ContinuousClock()
        let imsRetrier = Retrier(
            clock: realTime,
            policy: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(10), maxDelay: .milliseconds(100)),
            gate: PauseGate(clock: realTime),
            stop: stop
        )
        var reads = Retrier(clock: clock, policy: policy, gate: gate, stop: stop)
        reads.pacesEachTry = false
        return RowWorker(
            client: FlowServiceClient.make(
                settings: settings,
                transport: transport,
                retrying: imsRetrier,
                logger: logger
            ),
            journal: try JournalWriter(path: journal),
            writes: Retrier(
                clock: clock,
                policy: policy,
                gate: gate,
                stop: stop,
                budget: RetryBudget(),
                concurrency: ConcurrencyLimit(maximum: 2)
            ),
            reads: reads,
            statistics: RunStatistics(),
            stop: stop,
            refusals: SandboxRefusals(),
            logger: logger
        )
    }

    static func job() -> RowJob {
        let request = ConnectionRequest(
            row: 2,
            name: "Retried",
            description: nil,
            sandbox: "prod",
            credentials: .basic(.init(host: "https://h.example.com", username: "u", password: Secret("pw-S3CRET")))
        )
        return RowJob(
            sequence: 0,
            request: request,
            body: ConnectionBody.encode(request, authSpecs: .builtIn),
            extras: [],
            contentFingerprint: "",
            secretFingerprint: nil,
            preexisting: []
        )
    }

    /// Waits, in real time, until `condition` holds (true) or 10 s have passed (false).
    static func poll(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<10_000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return condition()
    }
}
