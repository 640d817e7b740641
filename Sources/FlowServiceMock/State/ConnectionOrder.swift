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

    /// Whether the item whose sort key is `lhs` comes before the one whose key is `rhs`.
    func precedes(_ lhs: PageCursor, _ rhs: PageCursor) -> Bool {
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

    /// Whether `lhs` comes before `rhs` in this order.
    func precedes(_ lhs: StoredConnection, _ rhs: StoredConnection) -> Bool {
        self.precedes(PageCursor(after: lhs), PageCursor(after: rhs))
    }

    /// One page of `candidates` (every match, in any order): sorted, after `cursor`, at most
    /// `limit`, and whether more follow.
    func page<Item>(
        _ candidates: [Item],
        key: (Item) -> PageCursor,
        after cursor: PageCursor?,
        limit: Int
    ) -> (items: [Item], hasMore: Bool) {
        var page = candidates.sorted { self.precedes(key($0), key($1)) }[...]
        if let cursor {
            page = page.drop { !self.precedes(cursor, key($0)) }
        }
        return (Array(page.prefix(limit)), page.count > limit)
    }
}
