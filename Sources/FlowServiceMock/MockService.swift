import Logging
import ServiceLifecycle

/// The mock as a swift-service-lifecycle service: starts it, reports it through `onListening`,
/// serves until graceful shutdown (e.g. SIGINT or SIGTERM given to the enclosing `ServiceGroup`),
/// then stops it gracefully.
public struct MockService: Service {
    let configuration: MockConfiguration
    private let logger: Logger
    private let onListening: @Sendable (RunningMock) async -> Void

    /// A service that will start the mock with `configuration` when run.
    public init(
        configuration: MockConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (RunningMock) async -> Void
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let mock = try await FlowServiceMock.start(self.configuration, logger: self.logger)
        await self.onListening(mock)
        try? await gracefulShutdown()
        await mock.stop()
    }
}
