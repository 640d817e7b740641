import Synchronization

/// All base connections, per sandbox, behind one lock that is held only for dictionary work
/// (never while encoding or sorting answers).
final class ConnectionStore: Sendable {
    private struct State {
        var sandboxes: [String: SandboxConnections] = [:]
        var nextSequence: UInt64 = 1
    }

    private let state = Mutex(State())

    /// Stores `connection`, assigning its creation sequence; returns it as stored.
    @discardableResult
    func insert(_ connection: StoredConnection) -> StoredConnection {
        var connection = connection
        self.state.withLock { state in
            connection.sequence = state.nextSequence
            state.nextSequence += 1
            state.sandboxes[connection.sandboxName, default: SandboxConnections()].insert(connection)
        }
        return connection
    }

    func connection(id: String, sandbox: String) -> StoredConnection? {
        self.state.withLock { $0.sandboxes[sandbox]?.byID[id] }
    }

    /// What ``replace(_:ifEtag:)`` did.
    enum Replacement: Sendable {
        case replaced
        case notFound
        /// The stored connection's etag is no longer the expected one; it is given.
        case stale(current: String)
    }

    /// Stores `connection` in place of the one with its ID and sandbox, if that one still has
    /// `etag` (a compare-and-swap, so that two concurrent patches cannot both win).
    func replace(_ connection: StoredConnection, ifEtag etag: String) -> Replacement {
        self.state.withLock { state in
            guard let stored = state.sandboxes[connection.sandboxName]?.byID[connection.id] else { return .notFound }
            guard stored.etag == etag else { return .stale(current: stored.etag) }
            state.sandboxes[connection.sandboxName]?.replace(connection)
            return .replaced
        }
    }

    /// Removes the connection; false when `sandbox` holds no connection with this id.
    func delete(id: String, sandbox: String) -> Bool {
        self.state.withLock { $0.sandboxes[sandbox]?.remove(id: id) ?? false }
    }

    /// One page of the connections in `sandbox` that match `filter`, in `order`, after `cursor`,
    /// and whether more follow.
    func page(
        sandbox: String,
        filter: PropertyFilter,
        order: ConnectionOrder,
        after cursor: PageCursor?,
        limit: Int
    ) -> (items: [StoredConnection], hasMore: Bool) {
        let candidates = self.state.withLock { state in
            state.sandboxes[sandbox]?.candidates(filter: filter, order: order, after: cursor, limit: limit) ?? []
        }
        return order.page(candidates, key: PageCursor.init(after:), after: cursor, limit: limit)
    }

    /// How many connections in `sandbox` match `filter`.
    func count(sandbox: String, filter: PropertyFilter) -> Int {
        self.state.withLock { state in
            guard let connections = state.sandboxes[sandbox] else { return 0 }
            return connections.matching(filter).count
        }
    }

    /// Every connection in `sandbox` (all sandboxes when nil), in creation order.
    func snapshot(sandbox: String?) -> [StoredConnection] {
        let connections = self.state.withLock { state in
            if let sandbox {
                return Array(state.sandboxes[sandbox]?.byID.values ?? [:].values)
            }
            return state.sandboxes.values.flatMap(\.byID.values)
        }
        return connections.sorted { $0.sequence < $1.sequence }
    }

    /// The number of connections in all sandboxes.
    var totalCount: Int {
        self.state.withLock { $0.sandboxes.values.reduce(0) { $0 + $1.byID.count } }
    }

    /// Names held by more than one connection within one sandbox, sorted, each listed once.
    var duplicateNames: [String] {
        let names = self.state.withLock { state in
            state.sandboxes.values.flatMap { $0.idsByName.filter { $0.value.count > 1 }.keys }
        }
        return Array(Set(names)).sorted()
    }
}
