import FlowBatch
import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI
import Logging

/// One HTTP client and Flow Service client for a command that is not a bulk run (`check`, `export`,
/// `--dry-run`'s look-ups): made the same way everywhere, and always shut down.
enum ServiceSession {
    /// Runs `body` with a client for `settings`; `rate` paces every request it sends.
    static func with<T>(
        settings: PlatformSettings,
        network: NetworkSettings,
        timeout: Duration,
        rate: Double? = nil,
        logger: Logger,
        _ body: (FlowServiceClient) async throws -> T
    ) async throws -> T {
        let transport = HTTPTransport(connections: 2, timeout: timeout, network: network, logger: logger)
        let clock = ContinuousClock()
        let pacing = AdaptiveRate(configuration: .init(maximumRate: rate), clock: clock)
        let retrier = Retrier(clock: clock, policy: RetryPolicy(), gate: PauseGate(clock: clock), stop: StopSignal())
        let client = FlowServiceClient.make(settings: settings, transport: transport, retrying: retrier, logger: logger)
        {
            try? await pacing.acquire()
            return true
        }
        do {
            let result = try await body(client)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }
}
