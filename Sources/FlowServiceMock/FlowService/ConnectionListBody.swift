/// The answer of a listing (`GET /connections`, `/sourceConnections`, `/flows`, `/runs`, ...),
/// `{"items": [...], "_links": {"next": {"href": ...}}}` (no `next` on the last page), and of a get
/// by ID, `{"items": [item]}`.
struct ConnectionListBody: Sendable {
    var items: [JSONOutput]
    /// The next page's `href`, for a listing page that has one.
    var next: String?
    /// Whether to write `_links` at all (listings do, a single item does not).
    var hasLinks: Bool

    var json: JSONOutput {
        var members: [(String, JSONOutput)] = [("items", .array(self.items))]
        if self.hasLinks {
            let links: [(String, JSONOutput)] = self.next.map { [("next", .object([("href", .string($0))]))] } ?? []
            members.append(("_links", .object(links)))
        }
        return .object(members)
    }
}
