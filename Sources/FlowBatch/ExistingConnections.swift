import FlowBatchReport
import FlowServiceAPI

/// The generic REST connections that existed in the run's sandboxes before it sent anything, by
/// sandbox and name: what `--if-exists skip` skips, what `--if-exists update` patches, and what a
/// name look-up must not take for a connection this run created.
public struct ExistingConnections: Sendable {
    private var byKey: [String: [FlowServiceClient.Listed]] = [:]
    /// How many connections were listed.
    public private(set) var count = 0

    public init() {}

    /// Adds the listing of one sandbox (oldest first).
    mutating func add(_ listed: [FlowServiceClient.Listed], sandbox: String) {
        let sorted = listed.sorted { ($0.createdAt ?? .max, $0.id) < ($1.createdAt ?? .max, $1.id) }
        for item in sorted {
            byKey[ResumeState.key(sandbox: sandbox, name: item.name), default: []].append(item)
        }
        count += listed.count
    }

    /// The connections named `name` in `sandbox`, oldest first.
    public func connections(sandbox: String, name: String) -> [FlowServiceClient.Listed] {
        byKey[ResumeState.key(sandbox: sandbox, name: name)] ?? []
    }

    /// The IDs of the connections named `name` in `sandbox`, oldest first.
    public func ids(sandbox: String, name: String) -> [String] {
        connections(sandbox: sandbox, name: name).map(\.id)
    }
}
