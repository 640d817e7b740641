import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage and the TCP channel (so that a fault can
/// drop it).
struct MockRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
