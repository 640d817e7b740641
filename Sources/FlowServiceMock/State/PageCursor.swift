/// Where a page of a listing ended: the sort key of its last item.
struct PageCursor: Sendable, Equatable {
    var sequence: UInt64
    var name: String

    init(sequence: UInt64, name: String) {
        self.sequence = sequence
        self.name = name
    }

    init(after connection: StoredConnection) {
        self.init(sequence: connection.sequence, name: connection.name)
    }
}
