/// A kind of Flow Service resource after the base connection, each stored, listed and deleted the
/// same way (``ResourceStore``, ``ResourcesController``); what differs is its path, the fields it
/// can be filtered on and how its create body is read.
enum ResourceKind: String, Sendable, CaseIterable {
    case sourceConnections
    case targetConnections
    case flows

    /// The path below `/data/foundation/flowservice`, without slashes: `sourceConnections`, ...
    var path: String { self.rawValue }

    /// The fields its listing can be filtered on: the ones Adobe's filter table lists for the kind
    /// (`sort-and-filter.md`), and `name` for all three. Adobe says any property path can be
    /// filtered on; the mock knows these and answers `FLOW-1449-400` for others.
    var filterFields: [String] {
        let common = ["id", "name", "description", "state", "sandboxName", "createdClient"]
        switch self {
        case .sourceConnections: return common + ["baseConnectionId", "connectionSpec.id", "connectionSpec.version"]
        case .targetConnections:
            return common + ["baseConnectionId", "connectionSpec.id", "connectionSpec.version", "params.dataSetId"]
        case .flows: return common + ["flowSpec.id", "sourceConnectionIds", "targetConnectionIds"]
        }
    }
}
