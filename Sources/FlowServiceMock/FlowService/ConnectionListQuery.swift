/// The query of a listing (`GET /connections`, `/sourceConnections`, `/targetConnections`, `/flows`,
/// `/runs`): `property` filters, `orderby`, `limit`, `count` and `continuationToken`.
///
/// Without `limit` a page holds 100 items; a larger `limit` than 1,000 is cut to 1,000. The
/// default order is creation order. With a `continuationToken`, the filters and the order come
/// from the token (a client may repeat `property` and `orderby` beside it; they are ignored),
/// and a `limit` beside it sets the size of the next page. Errors: `count` with `limit`
/// `FLOW-1401`, an unreadable `count` or `limit` (or one above ``MockFaults/largestPage``)
/// `FLOW-1453`, an unknown `orderby` `FLOW-1433`, a token the mock did not make (or made for another
/// sandbox or another kind) `MOCK-4006`,
/// filters as ``PropertyFilter`` says.
struct ConnectionListQuery: Sendable {
    static let defaultLimit = 100
    static let maximumLimit = 1_000

    var properties: [String]
    var filter: PropertyFilter
    var order: ConnectionOrder
    var limit: Int
    var cursor: PageCursor?
    /// `count=true`: answer `{"count": N}` only.
    var countOnly: Bool

    /// - Parameters:
    ///   - kind: the path of the listed kind (`connections`, `flows`, ...), kept in the token.
    ///   - filterFields: the fields that kind can be filtered on.
    init(
        query: String?,
        sandbox: String,
        kind: String = "connections",
        filterFields: [String] = StoredConnection.filterFields,
        largestPage: Int? = nil
    ) throws(FlowServiceProblem) {
        let fields = URLFormFields(query ?? "")
        switch fields["count"]?.lowercased() {
        case nil, "false": self.countOnly = false
        case "true": self.countOnly = true
        case let other?: throw .invalidQueryValue("count", other, "The count parameter must be true or false.")
        }
        let explicitLimit = try fields["limit"].map { text throws(FlowServiceProblem) in
            guard let limit = Int(text), limit >= 1 else {
                throw .invalidQueryValue("limit", text, "The limit parameter must be a positive integer.")
            }
            if let largestPage, limit > largestPage {
                throw .invalidQueryValue("limit", text, "The limit parameter must be at most \(largestPage).")
            }
            return min(limit, Self.maximumLimit)
        }
        if self.countOnly, explicitLimit != nil {
            throw .countWithLimit
        }
        if let text = fields["continuationToken"] {
            guard let token = ContinuationToken(encoded: text), token.sandbox == sandbox, token.kind == kind else {
                throw .invalidContinuationToken
            }
            self.properties = token.properties
            self.order = token.order
            self.limit = explicitLimit ?? token.limit
            self.cursor = token.cursor
        } else {
            self.properties = fields.all("property")
            if let text = fields["orderby"] {
                guard let order = ConnectionOrder(orderBy: text) else {
                    throw .invalidOrderBy(text, known: ConnectionOrder.allCases.map(\.rawValue))
                }
                self.order = order
            } else {
                self.order = .created
            }
            self.limit = explicitLimit ?? Self.defaultLimit
            self.cursor = nil
        }
        self.filter = try PropertyFilter(properties: self.properties, fields: filterFields)
    }
}

extension ConnectionListQuery {
    /// The `_links.next.href` of a page of `kind` in `sandbox` whose last item is `last`; `nil`
    /// (the last page) when `last` is.
    func nextHref(kind: String, sandbox: String, after last: PageCursor?) -> String? {
        guard let last else { return nil }
        let token = ContinuationToken(
            sandbox: sandbox,
            kind: kind,
            properties: self.properties,
            order: self.order,
            limit: self.limit,
            cursor: last
        )
        return "/\(kind)?continuationToken=\(token.encoded)"
    }

    /// The answer to this query over every match (`candidates`, in any order): `{"count": N}`, or
    /// the page after the cursor with its `_links`.
    func answer<Item>(
        _ candidates: [Item],
        kind: String,
        sandbox: String,
        key: (Item) -> PageCursor,
        item: (Item) -> JSONOutput
    ) -> JSONOutput {
        if self.countOnly {
            return .object([("count", .integer(Int64(candidates.count)))])
        }
        let page = self.order.page(candidates, key: key, after: self.cursor, limit: self.limit)
        let next = self.nextHref(kind: kind, sandbox: sandbox, after: page.hasMore ? page.items.last.map(key) : nil)
        return ConnectionListBody(items: page.items.map(item), next: next, hasLinks: true).json
    }
}
