/// A base connection as the mock keeps it. Secret auth params are never stored: only which of
/// them were given, so that answers can show them masked.
struct StoredConnection: Sendable, Equatable {
    var id: String
    var sequence: UInt64 = 0
    var name: String
    var description: String?
    var sandboxName: String
    var connectionSpecID: String
    var connectionSpecVersion: String
    var authSpecName: String
    /// Auth params that are not secret (`host`, `username`, ...), as sent.
    var visibleParams: [String: String]
    /// Names of the secret params that were sent (`password`, `accessToken`, ...).
    var maskedParams: Set<String>
    /// Epoch milliseconds.
    var createdAt: Int64
    /// Epoch milliseconds of the last change (the creation, until a `PATCH`).
    var updatedAt: Int64
    var etag: String
    var createdClient: String
}
