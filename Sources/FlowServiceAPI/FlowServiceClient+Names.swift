extension FlowServiceClient {
    /// The first page of the generic REST connections named any of `names`, ORed in one `property`
    /// filter (`name==A,name==B`); no name may hold a comma. `limit` items a page.
    public static func firstPage(names: [String], limit: Int) -> String {
        firstPage(filters: [spec, names.map { "name==\($0)" }.joined(separator: ",")], limit: limit)
    }

    /// Whether `name` can be asked for in a `name==` filter: not empty, and no comma (which would make
    /// it two names ORed).
    public static func canFilter(name: String) -> Bool {
        !name.isEmpty && !name.contains(",")
    }

    /// The bytes `name` adds to a ``firstPage(names:limit:)`` request, percent-encoded.
    public static func encodedLength(ofNameFilter name: String) -> Int {
        QueryEncoding.encode("name==\(name),").utf8.count
    }
}
