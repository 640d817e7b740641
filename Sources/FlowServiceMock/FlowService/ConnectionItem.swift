/// A base connection as Flow Service shows it in `items` (Adobe's `ConnectionItemDTO`), secrets
/// masked as `****`.
struct ConnectionItem: Sendable {
    static let mask = "****"

    var connection: StoredConnection
    var sandboxID: String
    var orgID: String

    /// Auth params as shown: the visible ones as sent, each secret one as ``mask``, sorted by name.
    var shownParams: [(String, String)] {
        var params = self.connection.visibleParams
        for name in self.connection.maskedParams {
            params[name] = Self.mask
        }
        return params.sorted { $0.key < $1.key }
    }

    var json: JSONOutput {
        let connection = self.connection
        // Flow Service reports the client as the user for technical-account tokens.
        let client = JSONOutput.string(connection.createdClient)
        // A connection made without a description has no `description` member (Adobe's "before" GET
        // shows none), so a JSON Patch must `add` it, not `replace` it.
        let description = connection.description.map { [("description", JSONOutput.string($0))] } ?? []
        let fields: [(String, JSONOutput)] = [
            ("id", .string(connection.id)),
            ("createdAt", .integer(connection.createdAt)),
            ("updatedAt", .integer(connection.updatedAt)),
            ("createdBy", client),
            ("updatedBy", client),
            ("createdClient", client),
            ("updatedClient", client),
            ("sandboxId", .string(self.sandboxID)),
            ("sandboxName", .string(connection.sandboxName)),
            ("imsOrgId", .string(self.orgID)),
            ("name", .string(connection.name)),
        ]
        return .object(
            fields + description + [
                (
                    "connectionSpec",
                    .object([
                        ("id", .string(connection.connectionSpecID)),
                        ("version", .string(connection.connectionSpecVersion)),
                    ])
                ),
                ("state", "enabled"),
                (
                    "auth",
                    .object([
                        ("specName", .string(connection.authSpecName)),
                        ("params", .object(self.shownParams.map { ($0.0, .string($0.1)) })),
                    ])
                ),
                ("version", .string(connection.etag)),
                ("etag", .string(connection.etag)),
            ]
        )
    }
}
