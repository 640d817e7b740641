import Hummingbird
import Logging
import NIOCore

/// Builds the Hummingbird application: the responder and the listening address.
enum MockApplication {
    static func make(
        state: MockState,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> some ApplicationProtocol {
        let configuration = state.configuration
        var serverLogger = logger
        serverLogger.handler = DeferredMetadataLogHandler(wrapping: logger.handler)
        return Application(
            responder: MockResponder(state: state),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: onServerRunning,
            logger: serverLogger
        )
    }
}
