import NIOCore

/// A `POST /targetConnections` body that passed the checks: ``ResourceBody``'s, the Data Lake
/// `connectionSpec` (`FLOW-1413`), `data.schema.id` (`MOCK-4005`) with an optional `version` and a
/// `data.format` (default `parquet_xdm`), and `params.dataSetId` (`MOCK-4005`) naming a dataset the
/// mock serves (`MOCK-4010`) whose schema is `data.schema.id` (`MOCK-4013`).
struct TargetConnectionRequest: Sendable {
    static let xdmVersion = "application/vnd.adobe.xed-full+json;version=1"

    var body: ResourceBody
    var connectionSpecVersion: String
    var format: String
    var schemaID: String
    var schemaVersion: String
    var datasetID: String

    init(_ buffer: ByteBuffer, datasets: [MockDataset]) throws(FlowServiceProblem) {
        let body = try ResourceBody(buffer)
        self.body = body
        self.connectionSpecVersion = try body.spec(
            "connectionSpec",
            expectedID: ConnectionSpecCatalog.dataLakeID,
            versions: ConnectionSpecCatalog.dataLakeVersions,
            kind: "target connection"
        )
        let data = try body.object("data")
        self.format = try CreateConnectionRequest.string(data, "format", path: "data.format") ?? "parquet_xdm"
        let schema = try body.object("schema", in: data, path: "data.schema")
        self.schemaID = try body.string("id", in: schema, path: "data.schema.id")
        self.schemaVersion =
            try CreateConnectionRequest.string(schema, "version", path: "data.schema.version") ?? Self.xdmVersion
        let params = try body.object("params")
        self.datasetID = try body.string("dataSetId", in: params, path: "params.dataSetId")
        guard let dataset = datasets.first(where: { $0.id == self.datasetID }) else {
            throw .unknownReference("params.dataSetId", self.datasetID)
        }
        guard dataset.schemaID == self.schemaID else {
            throw .schemaNotDataset(self.schemaID, dataset: dataset.id, expected: dataset.schemaID)
        }
    }

    /// The kind's own members and filter values.
    var resource: (members: [(String, JSONOutput)], fields: [String: [String]]) {
        (
            [
                (
                    "connectionSpec",
                    ResourceBody.specMember(ConnectionSpecCatalog.dataLakeID, self.connectionSpecVersion)
                ),
                (
                    "data",
                    .object([
                        ("format", .string(self.format)),
                        (
                            "schema",
                            .object([("id", .string(self.schemaID)), ("version", .string(self.schemaVersion))])
                        ),
                    ])
                ),
                ("params", .object([("dataSetId", .string(self.datasetID))])),
            ],
            [
                "connectionSpec.id": [ConnectionSpecCatalog.dataLakeID],
                "connectionSpec.version": [self.connectionSpecVersion],
                "params.dataSetId": [self.datasetID],
            ]
        )
    }
}
