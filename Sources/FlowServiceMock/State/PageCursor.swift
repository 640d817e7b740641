/// Where a page of a listing ended: the sort key of its last item.
struct PageCursor: Sendable, Codable, Equatable {
    var sequence: UInt64
    var name: String

    init(after connection: StoredConnection) {
        self.sequence = connection.sequence
        self.name = connection.name
    }
}
