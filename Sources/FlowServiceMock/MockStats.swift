/// What the mock has seen: the answer of `GET /__mock/stats` and of ``RunningMock/stats()``.
public struct MockStats: Sendable, Codable, Equatable {
    /// Connections that exist now, in all sandboxes together.
    public var connections: Int
    /// Source connections that exist now, in all sandboxes together.
    public var sourceConnections: Int
    /// Target connections that exist now, in all sandboxes together.
    public var targetConnections: Int
    /// Flows that exist now, in all sandboxes together.
    public var flows: Int
    /// Names that more than one connection holds within one sandbox; sorted, each once.
    public var duplicateNames: [String]
    /// Answers per route and status: route keys are `"POST /connections"`, `"GET /connections"`,
    /// `"GET /connections/{id}"`, `"PATCH /connections/{id}"`, `"DELETE /connections/{id}"`,
    /// `"GET /connections/{id}/test"`, `"GET /connections/{id}/explore"`, `"GET /connectionSpecs/{id}"`,
    /// `"POST /sourceConnections"`, `"GET /sourceConnections"`, `"GET /sourceConnections/{id}"`,
    /// `"DELETE /sourceConnections/{id}"` (the same four for `/targetConnections` and `/flows`),
    /// `"GET /flowSpecs"`, `"GET /flowSpecs/{id}"`, `"GET /runs"`, `"GET /catalog/dataSets/{id}"`,
    /// `"GET /conversion/mappingSets/{id}"`, `"POST /ims/token/v3"` (and
    /// `"other"` for paths the mock does not serve); statuses are the HTTP code as text (`"201"`, `"429"`), or `"drop"` for a connection closed without an answer.
    /// Gateway errors count under the route they were sent to.
    public var requests: [String: [String: Int]]

    /// Creates a snapshot.
    public init(
        connections: Int,
        duplicateNames: [String],
        requests: [String: [String: Int]],
        sourceConnections: Int = 0,
        targetConnections: Int = 0,
        flows: Int = 0
    ) {
        self.connections = connections
        self.sourceConnections = sourceConnections
        self.targetConnections = targetConnections
        self.flows = flows
        self.duplicateNames = duplicateNames
        self.requests = requests
    }

    /// How many answers `route` got with `status` (0 when none).
    public func count(_ route: String, status: String) -> Int {
        self.requests[route]?[status] ?? 0
    }

    /// How many answers `route` got, all statuses together.
    public func total(_ route: String) -> Int {
        self.requests[route]?.values.reduce(0, +) ?? 0
    }
}
