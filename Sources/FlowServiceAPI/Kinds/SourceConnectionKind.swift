import FlowBatchModel

extension ResourceKind {
    /// A source connection (`POST /sourceConnections`): the row's base connection read as a source,
    /// with the params of the connection spec's `sourceSpec`. Found again by its base connection
    /// (`baseConnectionId==ID`, the filter Adobe documents), narrowed to its name.
    public static let sourceConnection = ResourceKind(
        name: "source",
        path: "/sourceConnections",
        noun: "source connection"
    )
}

extension ResourceCreate {
    /// The create of a row's source connection on base connection `baseConnectionID`; `params` as the
    /// connection spec's `sourceSpec` types them, by dotted path.
    public static func sourceConnection(
        sandbox: String,
        name: String,
        baseConnectionID: String,
        format: String,
        schema: SourceParamsSchema,
        params: [String: String],
        preexisting: [String] = []
    ) -> ResourceCreate {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("name", name)
        json.field("baseConnectionId", baseConnectionID)
        json.spec("connectionSpec", id: GenericRESTSpec.connectionSpecID, version: GenericRESTSpec.version)
        json.key("data")
        json.beginObject()
        json.field("format", format)
        json.endObject()
        json.key("params")
        schema.writeParams(params, into: &json)
        json.endObject()
        return ResourceCreate(
            kind: .sourceConnection,
            sandbox: sandbox,
            name: name,
            body: json.bytes,
            secrets: [],
            lookUpFilters: sourceConnectionLookUpFilters(baseConnectionID: baseConnectionID),
            preexisting: preexisting
        )
    }

    /// The filters that find the source connections made on base connection `id`.
    public static func sourceConnectionLookUpFilters(baseConnectionID id: String) -> [String] {
        ["baseConnectionId==\(id)"]
    }
}
