/// How a listing is sorted. Ties are broken by creation sequence, so every order is total and a
/// continuation cursor can say exactly where a page ended.
enum ConnectionOrder: String, Sendable, CaseIterable {
    case created = "createdAt"
    case createdDescending = "-createdAt"
    case updated = "updatedAt"
    case updatedDescending = "-updatedAt"
    case name = "name"
    case nameDescending = "-name"

    /// Parses an `orderby` value: `name`, `-name`, `+name`, `createdAt`, `-createdAt`, `updatedAt`, ...
    init?(orderBy: String) {
        let text = orderBy.hasPrefix("+") ? String(orderBy.dropFirst()) : orderBy
        self.init(rawValue: text)
    }

    /// Whether `lhs` comes before `rhs` in this order.
    func precedes(_ lhs: StoredConnection, _ rhs: StoredConnection) -> Bool {
        switch self {
        case .created, .updated:
            lhs.sequence < rhs.sequence
        case .createdDescending, .updatedDescending:
            lhs.sequence > rhs.sequence
        case .name:
            lhs.name == rhs.name ? lhs.sequence < rhs.sequence : lhs.name < rhs.name
        case .nameDescending:
            lhs.name == rhs.name ? lhs.sequence > rhs.sequence : lhs.name > rhs.name
        }
    }

    /// Whether `connection` comes after the one `cursor` points at.
    func follows(_ connection: StoredConnection, cursor: PageCursor) -> Bool {
        let probe = StoredConnection(
            id: "",
            sequence: cursor.sequence,
            name: cursor.name,
            sandboxName: "",
            connectionSpecID: "",
            connectionSpecVersion: "",
            authSpecName: "",
            visibleParams: [:],
            maskedParams: [],
            createdAt: 0,
            updatedAt: 0,
            etag: "",
            createdClient: ""
        )
        return self.precedes(probe, connection)
    }
}
