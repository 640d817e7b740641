/// A source connection, target connection or flow as the mock keeps it: the members every kind
/// shows (ID, name, times, etag), the kind's own members ready to be written, the values its filter
/// fields hold, and the IDs of the resources it uses.
struct StoredResource: Sendable {
    var kind: ResourceKind
    var id: String
    var sequence: UInt64 = 0
    var name: String
    var description: String?
    var sandboxName: String
    /// Epoch milliseconds.
    var createdAt: Int64
    var updatedAt: Int64
    var etag: String
    var createdClient: String
    /// The kind's own members of an item, in the order they are shown.
    var members: [(String, JSONOutput)]
    /// The values of the kind's own filter fields, e.g. `"baseConnectionId": [ID]`.
    var fields: [String: [String]]
    /// The base connection a source connection uses; the source and target connections a flow uses.
    var uses: [String]
    /// A flow's schedule; `nil` for the other kinds.
    var schedule: FlowSchedule?

    /// The values this resource holds for the filter field `field`.
    func filterValues(_ field: String) -> [String] {
        switch field {
        case "id": [self.id]
        case "name": [self.name]
        case "description": self.description.map { [$0] } ?? []
        case "state": ["enabled"]
        case "sandboxName": [self.sandboxName]
        case "createdClient": [self.createdClient]
        default: self.fields[field] ?? []
        }
    }

    /// Its sort key in listings.
    var cursor: PageCursor {
        PageCursor(sequence: self.sequence, name: self.name)
    }
}

extension StoredResource {
    /// The kind's own member called `name`.
    func member(_ name: String) -> JSONOutput? {
        self.members.first { $0.0 == name }?.1
    }
}
