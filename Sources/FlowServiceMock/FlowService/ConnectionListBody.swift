/// The answer of `GET /connections` and `GET /connections/{id}`: `{"items": [...], "_links": ...}`.
struct ConnectionListBody: Encodable, Sendable {
    struct Links: Encodable, Sendable {
        struct Link: Encodable, Sendable {
            var href: String
        }

        /// Absent on the last page.
        var next: Link?
    }

    enum CodingKeys: String, CodingKey {
        case items
        case links = "_links"
    }

    var items: [ConnectionItem]
    /// `nil` for the single-item answer of `GET /connections/{id}`.
    var links: Links?
}
