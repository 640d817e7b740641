import Hummingbird
import Logging
import NIOCore

/// Builds the Hummingbird application: routes, middleware and the listening address.
enum MockApplication {
    static func make(
        state: MockState,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: MockRequestContext.self)
        router.add(middleware: ObservingMiddleware(state: state))
        router.get(RouterPath(MockRoute.statsPath)) { _, _ in
            JSONAnswer.response(.ok, state.stats().json)
        }
        TokenController(state: state).register(on: router)
        ConnectionsController(state: state).register(
            on: router.group(RouterPath(MockRoute.flowServicePath)).add(middleware: GatewayMiddleware(state: state))
        )
        let configuration = state.configuration
        var serverLogger = logger
        serverLogger.handler = DeferredMetadataLogHandler(wrapping: logger.handler)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: onServerRunning,
            logger: serverLogger
        )
    }
}
