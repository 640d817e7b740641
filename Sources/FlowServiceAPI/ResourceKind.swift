import FlowBatchModel

/// A kind of Flow Service resource that flowbatch creates exactly once, as a value: where it is
/// created and listed, and what the journal, the results and messages call it. The exactly-once
/// create (``ResourceCreate`` and `FlowBatch`'s `ExactlyOnceCreate`) is written once over it; a new
/// kind is a new value beside these, with the filters Adobe documents for finding it again.
public struct ResourceKind: Sendable, Hashable, CustomStringConvertible {
    /// Its name in the journal and the results' `step` column: `connection`, `source`, `target`, `flow`.
    public let name: String
    /// The collection under the Flow Service's base URL: `/connections`, `/sourceConnections`, ...
    public let path: String
    /// What a sentence calls one: "connection", "source connection".
    public let noun: String

    public init(name: String, path: String, noun: String) {
        self.name = name
        self.path = path
        self.noun = noun
    }

    public var description: String { noun }

    /// A generic REST base connection (`POST /connections`), found again by name within the generic
    /// REST connection spec.
    public static let baseConnection = ResourceKind(name: "connection", path: "/connections", noun: "connection")

    /// The kind a step of the onboarding chain creates.
    public static func of(_ step: ChainStep) -> ResourceKind {
        switch step {
        case .connection: .baseConnection
        case .source: .sourceConnection
        case .target: .targetConnection
        case .flow: .flow
        }
    }
}

/// One create of a resource, and how to find what it may have made when its answer was lost.
public struct ResourceCreate: Sendable {
    public var kind: ResourceKind
    public var sandbox: String
    /// The resource's name: what a look-up compares, and what messages show.
    public var name: String
    /// The encoded body of the `POST`.
    public var body: [UInt8]
    /// Secrets the body holds, masked in anything an answer echoes.
    public var secrets: [Secret]
    /// The `property` filters Adobe documents that find the resources this create may have made
    /// (by name, or by the parent's ID); the listing is then narrowed to ``name``.
    public var lookUpFilters: [String]
    /// IDs of resources that matched before anything was sent for this create: never taken for its own.
    public var preexisting: [String]
    /// When the run did not list what existed before it (`--if-exists create`): the `createdAt` (epoch
    /// milliseconds, the service's clock) of the newest matching resource when the run began
    /// (``Int64/min`` for none). Only a resource created later, with a `createdAt`, may be its own.
    public var createdAfter: Int64?

    public init(
        kind: ResourceKind,
        sandbox: String,
        name: String,
        body: [UInt8],
        secrets: [Secret],
        lookUpFilters: [String],
        preexisting: [String] = [],
        createdAfter: Int64? = nil
    ) {
        self.kind = kind
        self.sandbox = sandbox
        self.name = name
        self.body = body
        self.secrets = secrets
        self.lookUpFilters = lookUpFilters
        self.preexisting = preexisting
        self.createdAfter = createdAfter
    }

    /// Whether `found`, a resource the look-up shows, may be one this create made: not one that
    /// matched before it was sent (``preexisting``), nor one created before the run began (``createdAfter``).
    public func mayHaveMade(_ found: FlowServiceClient.Listed) -> Bool {
        Self.mayHaveMade(found, preexisting: preexisting, createdAfter: createdAfter)
    }

    /// ``mayHaveMade(_:)`` for a create not built yet (a row an earlier run sent, as its journal says).
    public static func mayHaveMade(
        _ found: FlowServiceClient.Listed,
        preexisting: [String],
        createdAfter: Int64?
    ) -> Bool {
        guard !preexisting.contains(found.id) else { return false }
        guard let createdAfter else { return true }
        return found.createdAt.map { Int64($0) > createdAfter } ?? false
    }
}

extension JSONWriter {
    /// A `{"id": …, "version": …}` spec reference under `key`, as every kind's body names its spec.
    mutating func spec(_ key: String, id: String, version: String) {
        self.key(key)
        beginObject()
        field("id", id)
        field("version", version)
        endObject()
    }
}
