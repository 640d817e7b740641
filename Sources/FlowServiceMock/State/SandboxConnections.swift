/// The connections of one sandbox, indexed by ID, by name and in creation order.
struct SandboxConnections: Sendable {
    private(set) var byID: [String: StoredConnection] = [:]
    private(set) var idsByName: [String: [String]] = [:]
    /// Creation order; may still hold ids deleted since the last compaction.
    private var order: [(sequence: UInt64, id: String)] = []
    private var staleInOrder = 0

    mutating func insert(_ connection: StoredConnection) {
        self.byID[connection.id] = connection
        self.idsByName[connection.name, default: []].append(connection.id)
        self.order.append((connection.sequence, connection.id))
    }

    /// Puts `connection` in place of the stored one with its ID (keeping its place in the creation
    /// order), re-indexing its name when it changed.
    mutating func replace(_ connection: StoredConnection) {
        guard let old = self.byID.updateValue(connection, forKey: connection.id), old.name != connection.name else {
            return
        }
        self.idsByName[old.name]?.removeAll { $0 == connection.id }
        if self.idsByName[old.name]?.isEmpty == true {
            self.idsByName[old.name] = nil
        }
        self.idsByName[connection.name, default: []].append(connection.id)
    }

    mutating func remove(id: String) -> Bool {
        guard let connection = self.byID.removeValue(forKey: id) else { return false }
        self.idsByName[connection.name]?.removeAll { $0 == id }
        if self.idsByName[connection.name]?.isEmpty == true {
            self.idsByName[connection.name] = nil
        }
        self.staleInOrder += 1
        if self.staleInOrder > 64, self.staleInOrder * 2 > self.order.count {
            self.order.removeAll { self.byID[$0.id] == nil }
            self.staleInOrder = 0
        }
        return true
    }

    func matching(_ filter: PropertyFilter) -> [StoredConnection] {
        if let names = filter.requiredNames {
            return Set(names.flatMap { self.idsByName[$0] ?? [] }).compactMap { self.byID[$0] }.filter(filter.matches)
        }
        return self.byID.values.filter(filter.matches)
    }

    /// A superset of the page: exact (at most `limit + 1`, in order) when the order is creation
    /// order and no name narrows the search; otherwise every match, unsorted.
    func candidates(
        filter: PropertyFilter,
        order: ConnectionOrder,
        after cursor: PageCursor?,
        limit: Int
    ) -> [StoredConnection] {
        guard filter.requiredNames == nil else { return self.matching(filter) }
        switch order {
        case .created, .updated:
            let start = cursor.map { cursor in self.firstIndex(afterSequence: cursor.sequence) } ?? 0
            return self.scan(self.order[start...], filter: filter, limit: limit)
        case .createdDescending, .updatedDescending:
            let end = cursor.map { cursor in self.firstIndex(afterSequence: cursor.sequence - 1) } ?? self.order.count
            return self.scan(self.order[..<end].reversed(), filter: filter, limit: limit)
        case .name, .nameDescending:
            return self.matching(filter)
        }
    }

    private func scan(
        _ entries: some Sequence<(sequence: UInt64, id: String)>,
        filter: PropertyFilter,
        limit: Int
    ) -> [StoredConnection] {
        var found: [StoredConnection] = []
        for entry in entries {
            guard let connection = self.byID[entry.id], filter.matches(connection) else { continue }
            found.append(connection)
            if found.count > limit { break }
        }
        return found
    }

    /// The index of the first entry of `order` whose sequence is greater than `sequence`.
    private func firstIndex(afterSequence sequence: UInt64) -> Int {
        var low = 0
        var high = self.order.count
        while low < high {
            let middle = (low + high) / 2
            if self.order[middle].sequence <= sequence {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
