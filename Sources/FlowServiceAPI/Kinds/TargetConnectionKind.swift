import FlowBatchModel

extension ResourceKind {
    /// A target connection (`POST /targetConnections`) into a Data Lake dataset, with the dataset's
    /// XDM schema. It has no parent to be found by: it is found again by its name and its dataset
    /// (`params.dataSetId==ID`).
    public static let targetConnection = ResourceKind(
        name: "target",
        path: "/targetConnections",
        noun: "target connection"
    )
}

extension ResourceCreate {
    /// The create of a row's target connection into `dataset`, in `parquet_xdm` with the dataset's schema.
    public static func targetConnection(
        sandbox: String,
        name: String,
        dataset: DatasetInfo,
        preexisting: [String] = []
    ) -> ResourceCreate {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("name", name)
        json.spec("connectionSpec", id: ChainSpecs.dataLakeSpecID, version: "1.0")
        json.key("data")
        json.beginObject()
        json.field("format", "parquet_xdm")
        json.key("schema")
        json.beginObject()
        json.field("id", dataset.schemaID)
        json.field("version", dataset.schemaVersion ?? ChainSpecs.xdmSchemaVersion)
        json.endObject()
        json.endObject()
        json.key("params")
        json.beginObject()
        json.field("dataSetId", dataset.id)
        json.endObject()
        json.endObject()
        return ResourceCreate(
            kind: .targetConnection,
            sandbox: sandbox,
            name: name,
            body: json.bytes,
            secrets: [],
            lookUpFilters: targetConnectionLookUpFilters(name: name, datasetID: dataset.id),
            preexisting: preexisting
        )
    }

    /// The filters that find the target connections named `name` into dataset `datasetID` (by the
    /// dataset alone when the name holds a comma, which a filter would read as OR).
    public static func targetConnectionLookUpFilters(name: String, datasetID: String) -> [String] {
        (FlowServiceClient.canFilter(name: name) ? ["name==\(name)"] : []) + ["params.dataSetId==\(datasetID)"]
    }
}
