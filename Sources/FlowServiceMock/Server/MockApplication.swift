import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import Logging
import NIOCore

/// Builds the Hummingbird application: the responder and the listening address.
enum MockApplication {
    static func make(
        state: MockState,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) throws -> some ApplicationProtocol {
        let configuration = state.configuration
        var serverLogger = logger
        serverLogger.handler = DeferredMetadataLogHandler(wrapping: logger.handler)
        // HTTPS when configured (HTTP/2 by ALPN too, when asked); the builder is the only difference,
        // so tests meet the same server.
        let server: HTTPServerBuilder =
            try configuration.tls.map { tls in
                tls.http2
                    ? try .http2Upgrade(tlsConfiguration: tls.serverConfiguration())
                    : try .tls(.http1(), tlsConfiguration: tls.serverConfiguration())
            } ?? .http1()
        return Application(
            responder: MockResponder(state: state),
            server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: onServerRunning,
            logger: serverLogger
        )
    }
}
