import Logging

/// Sits in front of the caller's log handler and keeps metadata set on the logger to itself until
/// a message is really logged.
///
/// Hummingbird sets a request ID on the logger of every request; a handler such as
/// `StreamLogHandler` formats its metadata each time it is set, which cost about 5 % of a create
/// even with logging off. Merging at log time costs nothing for messages below the level.
struct DeferredMetadataLogHandler: LogHandler {
    private var wrapped: any LogHandler
    var metadata: Logger.Metadata = [:]

    init(wrapping wrapped: any LogHandler) {
        self.wrapped = wrapped
    }

    var logLevel: Logger.Level {
        get { self.wrapped.logLevel }
        set { self.wrapped.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { self.wrapped.metadataProvider }
        set { self.wrapped.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !self.metadata.isEmpty {
            event.metadata = self.metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        self.wrapped.log(event: event)
    }
}
