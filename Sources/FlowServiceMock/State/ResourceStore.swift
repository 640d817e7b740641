import Synchronization

/// Every source connection, target connection and flow, per sandbox and kind, behind one lock.
///
/// The links between resources are checked here, under the lock, so that a create and a delete
/// racing each other cannot leave a link to nothing: a source connection is stored only while its
/// base connection exists, a flow only while its source and target connections exist, and a
/// resource that another uses is not deleted. Lock order: this store, then the ``ConnectionStore``.
final class ResourceStore: Sendable {
    private struct Key: Hashable {
        var sandbox: String
        var kind: ResourceKind
    }

    private struct State {
        var resources: [Key: [String: StoredResource]] = [:]
        var nextSequence: UInt64 = 1

        func resource(_ kind: ResourceKind, id: String, sandbox: String) -> StoredResource? {
            self.resources[Key(sandbox: sandbox, kind: kind)]?[id]
        }

        func isUsed(_ id: String, by kind: ResourceKind, sandbox: String) -> Bool {
            self.resources[Key(sandbox: sandbox, kind: kind)]?.values.contains { $0.uses.contains(id) } ?? false
        }
    }

    private let state = Mutex(State())
    let connections: ConnectionStore

    init(connections: ConnectionStore) {
        self.connections = connections
    }

    /// Stores `resource` after checking that what it uses exists in its sandbox: a source
    /// connection's `baseConnectionId`, a flow's `sourceConnectionIds` and `targetConnectionIds`.
    ///
    /// - Throws: `MOCK-4010-400` naming the first missing one.
    func insert(_ resource: StoredResource) throws(FlowServiceProblem) -> StoredResource {
        var resource = resource
        let connections = self.connections
        try self.state.withLock { (state: inout State) throws(FlowServiceProblem) in
            let sandbox = resource.sandboxName
            switch resource.kind {
            case .sourceConnections:
                for id in resource.uses where connections.connection(id: id, sandbox: sandbox) == nil {
                    throw .unknownReference("baseConnectionId", id)
                }
            case .targetConnections:
                break
            case .flows:
                for (field, kind) in [
                    ("sourceConnectionIds", ResourceKind.sourceConnections),
                    ("targetConnectionIds", .targetConnections),
                ] {
                    for id in resource.fields[field] ?? [] where state.resource(kind, id: id, sandbox: sandbox) == nil {
                        throw .unknownReference(field, id)
                    }
                }
            }
            resource.sequence = state.nextSequence
            state.nextSequence += 1
            state.resources[Key(sandbox: sandbox, kind: resource.kind), default: [:]][resource.id] = resource
        }
        return resource
    }

    func resource(_ kind: ResourceKind, id: String, sandbox: String) -> StoredResource? {
        self.state.withLock { $0.resource(kind, id: id, sandbox: sandbox) }
    }

    /// Removes the resource; false when `sandbox` holds none of `kind` with this ID.
    ///
    /// - Throws: `FLOW-1447-400` ("Found active flows containing id") for a source or target
    ///   connection that a flow uses.
    func delete(_ kind: ResourceKind, id: String, sandbox: String) throws(FlowServiceProblem) -> Bool {
        try self.state.withLock { (state: inout State) throws(FlowServiceProblem) -> Bool in
            let key = Key(sandbox: sandbox, kind: kind)
            guard state.resources[key]?[id] != nil else { return false }
            if kind != .flows, state.isUsed(id, by: .flows, sandbox: sandbox) {
                throw .usedByFlows(id)
            }
            state.resources[key]?[id] = nil
            return true
        }
    }

    /// Removes the base connection; false when `sandbox` holds no connection with this ID.
    ///
    /// - Throws: `FLOW-1418-400` when a source connection uses it. Adobe's message speaks of
    ///   flows; every flow of the chain reaches its base connection through a source connection,
    ///   and the mock refuses as soon as one does, so a client must delete source connections first.
    func deleteConnection(id: String, sandbox: String) throws(FlowServiceProblem) -> Bool {
        let connections = self.connections
        return try self.state.withLock { (state: inout State) throws(FlowServiceProblem) -> Bool in
            guard connections.connection(id: id, sandbox: sandbox) != nil else { return false }
            if state.isUsed(id, by: .sourceConnections, sandbox: sandbox) {
                throw .baseConnectionInUse(id)
            }
            return connections.delete(id: id, sandbox: sandbox)
        }
    }

    /// The resources of `kind` in `sandbox` (all sandboxes when `nil`), in creation order.
    func snapshot(_ kind: ResourceKind, sandbox: String?) -> [StoredResource] {
        let resources = self.state.withLock { state in
            state.resources.filter { $0.key.kind == kind && (sandbox == nil || $0.key.sandbox == sandbox) }
                .flatMap(\.value.values)
        }
        return resources.sorted { $0.sequence < $1.sequence }
    }

    /// The resources of `kind` in `sandbox` that match `filter`, unsorted.
    func matching(_ kind: ResourceKind, sandbox: String, filter: PropertyFilter) -> [StoredResource] {
        self.state.withLock { state in
            (state.resources[Key(sandbox: sandbox, kind: kind)]?.values).map { Array($0) } ?? []
        }.filter { filter.matches($0.filterValues) }
    }

    /// How many resources of `kind` exist, in all sandboxes together.
    func count(_ kind: ResourceKind) -> Int {
        self.state.withLock { state in
            state.resources.filter { $0.key.kind == kind }.values.reduce(0) { $0 + $1.count }
        }
    }
}
