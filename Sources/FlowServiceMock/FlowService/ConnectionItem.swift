/// A base connection as Flow Service shows it in `items` (Adobe's `ConnectionItemDTO`), secrets
/// masked as `****`.
struct ConnectionItem: Encodable, Sendable {
    struct Spec: Encodable, Sendable {
        var id: String
        var version: String
    }

    struct Auth: Encodable, Sendable {
        var specName: String
        var params: [String: String]
    }

    static let mask = "****"

    var id: String
    var createdAt: Int64
    var updatedAt: Int64
    var createdBy: String
    var updatedBy: String
    var createdClient: String
    var updatedClient: String
    var sandboxId: String
    var sandboxName: String
    var imsOrgId: String
    var name: String
    var description: String
    var connectionSpec: Spec
    var state: String
    var auth: Auth
    var version: String
    var etag: String

    init(_ connection: StoredConnection, sandboxID: String, orgID: String) {
        var params = connection.visibleParams
        for name in connection.maskedParams {
            params[name] = Self.mask
        }
        self.id = connection.id
        self.createdAt = connection.createdAt
        self.updatedAt = connection.createdAt
        // Flow Service reports the client as the user for technical-account tokens.
        self.createdBy = connection.createdClient
        self.updatedBy = connection.createdClient
        self.createdClient = connection.createdClient
        self.updatedClient = connection.createdClient
        self.sandboxId = sandboxID
        self.sandboxName = connection.sandboxName
        self.imsOrgId = orgID
        self.name = connection.name
        self.description = connection.description ?? ""
        self.connectionSpec = Spec(id: connection.connectionSpecID, version: connection.connectionSpecVersion)
        self.state = "enabled"
        self.auth = Auth(specName: connection.authSpecName, params: params)
        self.version = connection.etag
        self.etag = connection.etag
    }
}
