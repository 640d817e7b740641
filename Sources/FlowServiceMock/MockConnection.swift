import Foundation

/// A base connection the mock holds, as tests see it (secrets are never kept).
public struct MockConnection: Sendable, Equatable, Hashable {
    /// The connection ID (a lowercase UUID).
    public var id: String
    /// The name, as sent.
    public var name: String
    /// The description, when one was sent.
    public var description: String?
    /// The sandbox the connection lives in.
    public var sandbox: String
    /// The auth spec name, in the spelling sent (`Basic Authentication`, `OAuth2 Refresh Code`, ...).
    public var specName: String
    /// The connection spec ID (the generic REST API spec).
    public var connectionSpecID: String
    /// The etag, quotes included, as in the 201 body.
    public var etag: String
    /// When the connection was created (millisecond precision).
    public var createdAt: Date
    /// When the connection was last changed: its creation, or its last `PATCH`.
    public var updatedAt: Date
    /// The auth params that are not secret (`host`, `username`, ...), as last sent.
    public var params: [String: String]
    /// The names of the secret auth params last sent (`password`, `accessToken`, ...); their
    /// values are never kept.
    public var secretParamNames: Set<String>

    init(_ connection: StoredConnection) {
        self.id = connection.id
        self.name = connection.name
        self.description = connection.description
        self.sandbox = connection.sandboxName
        self.specName = connection.authSpecName
        self.connectionSpecID = connection.connectionSpecID
        self.etag = connection.etag
        self.createdAt = Date(timeIntervalSince1970: Double(connection.createdAt) / 1_000)
        self.updatedAt = Date(timeIntervalSince1970: Double(connection.updatedAt) / 1_000)
        self.params = connection.visibleParams
        self.secretParamNames = connection.maskedParams
    }
}
