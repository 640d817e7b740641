import FlowBatchModel

extension ResourceKind {
    /// A dataflow (`POST /flows`) from a source connection to a target connection under a flow spec
    /// (`RestStorageToAEP`). Found again by its source connection (`sourceConnectionIds==ID`, the filter
    /// Adobe documents), narrowed to its name.
    public static let flow = ResourceKind(name: "flow", path: "/flows", noun: "flow")
}

extension ResourceCreate {
    /// The create of a row's flow from `sourceID` to `targetID`, with a `Mapping` transformation when
    /// a mapping set is given, on `schedule`.
    public static func flow(
        sandbox: String,
        name: String,
        flowSpec: FlowSpecInfo,
        sourceID: String,
        targetID: String,
        mapping: MappingSetInfo?,
        schedule: ChainSchedule,
        preexisting: [String] = []
    ) -> ResourceCreate {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("name", name)
        json.spec("flowSpec", id: flowSpec.id, version: flowSpec.version)
        json.key("sourceConnectionIds")
        json.beginArray()
        json.string(sourceID)
        json.endArray()
        json.key("targetConnectionIds")
        json.beginArray()
        json.string(targetID)
        json.endArray()
        json.key("transformations")
        json.beginArray()
        if let mapping {
            json.beginObject()
            json.field("name", "Mapping")
            json.key("params")
            json.beginObject()
            json.field("mappingId", mapping.id)
            json.field("mappingVersion", mapping.version)
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.key("scheduleParams")
        json.beginObject()
        json.key("startTime")
        json.number(Int(schedule.startTime))
        json.field("frequency", schedule.frequency)
        json.field("interval", schedule.interval)
        json.endObject()
        json.endObject()
        return ResourceCreate(
            kind: .flow,
            sandbox: sandbox,
            name: name,
            body: json.bytes,
            secrets: [],
            lookUpFilters: flowLookUpFilters(sourceID: sourceID),
            preexisting: preexisting
        )
    }

    /// The filters that find the flows reading source connection `id`.
    public static func flowLookUpFilters(sourceID id: String) -> [String] {
        ["sourceConnectionIds==\(id)"]
    }
}
