extension StoredConnection {
    /// The fields a `GET /connections` can be filtered on.
    static let filterFields = [
        "id", "name", "description", "connectionSpec.id", "connectionSpec.version", "state", "auth.specName",
        "sandboxName", "createdClient",
    ]

    /// The values this connection holds for the filter field `field` (none when it has no such value).
    func filterValues(_ field: String) -> [String] {
        let value: String? =
            switch field {
            case "id": self.id
            case "name": self.name
            case "description": self.description
            case "connectionSpec.id": self.connectionSpecID
            case "connectionSpec.version": self.connectionSpecVersion
            case "state": "enabled"
            case "auth.specName": self.authSpecName
            case "sandboxName": self.sandboxName
            case "createdClient": self.createdClient
            default: nil
            }
        return value.map { [$0] } ?? []
    }
}

extension PropertyFilter {
    func matches(_ connection: StoredConnection) -> Bool {
        self.matches(connection.filterValues)
    }
}
