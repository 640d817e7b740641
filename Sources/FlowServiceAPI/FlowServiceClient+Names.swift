extension FlowServiceClient {
    /// The first page of the generic REST connections named any of `names`, ORed in one `property`
    /// filter as Adobe documents OR (`name==A,B,C`: `name==A,name==B` is not documented, and read by
    /// the grammar its second value is the literal text `name==B`); no name may hold a comma.
    /// `limit` items a page.
    public static func firstPage(names: [String], limit: Int) -> String {
        firstPage(filters: [spec, "name==" + names.joined(separator: ",")], limit: limit)
    }

    /// Whether `name` can be asked for in a `name==` filter: not empty, and no comma (which would make
    /// it two names ORed).
    public static func canFilter(name: String) -> Bool {
        !name.isEmpty && !name.contains(",")
    }

    /// The bytes `name` adds to a ``firstPage(names:limit:)`` request, percent-encoded.
    public static func encodedLength(ofNameFilter name: String) -> Int {
        QueryEncoding.encode("\(name),").utf8.count
    }
}
