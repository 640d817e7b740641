import NIOCore

/// A `POST /sourceConnections` body that passed the checks: ``ResourceBody``'s, a `baseConnectionId`
/// (`MOCK-4005`; that it exists in the sandbox is checked when storing, `MOCK-4010`), the generic
/// REST `connectionSpec` (`FLOW-1413`), a `data` object whose `format` is a string (default `json`),
/// and `params` that conform to the connection spec's invented `sourceSpec` (`MOCK-4011`).
struct SourceConnectionRequest: Sendable {
    var body: ResourceBody
    var baseConnectionID: String
    var connectionSpecVersion: String
    var format: String
    var params: JSONValue

    init(_ buffer: ByteBuffer) throws(FlowServiceProblem) {
        let body = try ResourceBody(buffer)
        self.body = body
        self.baseConnectionID = try body.string("baseConnectionId")
        self.connectionSpecVersion = try body.spec(
            "connectionSpec",
            expectedID: ConnectionSpecCatalog.genericRESTID,
            versions: ConnectionSpecCatalog.genericRESTVersions,
            kind: "source connection"
        )
        let data = try body.object("data")
        self.format = try CreateConnectionRequest.string(data, "format", path: "data.format") ?? "json"
        let params = JSONValue.object(try CreateConnectionRequest.object(body.root, "params", path: "params") ?? [:])
        try Self.checkParams(params)
        self.params = params
    }

    /// Checks source params (of a create, or explore's `sourceParams`) against the `sourceSpec`.
    static func checkParams(_ params: JSONValue) throws(FlowServiceProblem) {
        let errors = ConnectionSpecCatalog.genericRESTSourceSpec.errors(params, path: "params")
        guard errors.isEmpty else { throw .invalidSourceParams(errors) }
    }

    /// The kind's own members and filter values.
    var resource: (members: [(String, JSONOutput)], fields: [String: [String]]) {
        (
            [
                ("baseConnectionId", .string(self.baseConnectionID)),
                (
                    "connectionSpec",
                    ResourceBody.specMember(ConnectionSpecCatalog.genericRESTID, self.connectionSpecVersion)
                ),
                ("data", .object([("format", .string(self.format))])),
                ("params", JSONOutput(self.params)),
            ],
            [
                "baseConnectionId": [self.baseConnectionID],
                "connectionSpec.id": [ConnectionSpecCatalog.genericRESTID],
                "connectionSpec.version": [self.connectionSpecVersion],
            ]
        )
    }
}
