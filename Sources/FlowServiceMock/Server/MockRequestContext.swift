import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage, the TCP channel (so that a fault can
/// drop it) and the request ID that every answer carries.
struct MockRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// Set by ``ObservingMiddleware`` before any handler runs.
    var requestID = ""

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
