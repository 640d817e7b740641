/// The flow specs the mock knows: `RestStorageToAEP`, the one that lists the generic REST
/// connection spec as a source and the Data Lake spec as a target (`flow-service-api.md`; the
/// protocols tutorial's `CRMToAEP` does not list generic REST, so the mock does not serve it).
enum FlowSpecCatalog {
    static let restStorageToAEPID = "6499120c-0b15-42dc-936e-847ea3c24d72"
    static let restStorageToAEPName = "RestStorageToAEP"
    static let versions = ["1.0"]
    /// The fields `GET /flowSpecs` can be filtered on (Adobe's filter table for `flowSpec`).
    static let filterFields = ["id", "name", "providerId"]
    static let providerID = "0ed90a81-07f4-4586-8190-b40eccef1c5a"

    /// The values the flow spec holds for a filter field.
    static func filterValues(_ field: String) -> [String] {
        switch field {
        case "id": [Self.restStorageToAEPID]
        case "name": [Self.restStorageToAEPName]
        case "providerId": [Self.providerID]
        default: []
        }
    }

    /// The flow spec as an item of `FlowSpecResponse`, in the OpenAPI file's `FlowSpecItemDTO` shape
    /// (`transformationSpecs` and `scheduleSpec` as the objects that file describes).
    static var item: JSONOutput {
        .object([
            ("id", .string(Self.restStorageToAEPID)),
            ("name", .string(Self.restStorageToAEPName)),
            ("providerId", .string(Self.providerID)),
            ("version", .string(Self.versions[Self.versions.count - 1])),
            ("sourceConnectionSpecIds", .array([.string(ConnectionSpecCatalog.genericRESTID)])),
            ("targetConnectionSpecIds", .array([.string(ConnectionSpecCatalog.dataLakeID)])),
            (
                "transformationSpecs",
                .object([
                    ("name", "Mapping"),
                    (
                        "spec",
                        .object([
                            ("type", "object"),
                            (
                                "description",
                                "Defines various params required for different mapping from source to target"
                            ),
                            (
                                "properties",
                                .object([
                                    ("mappingId", .object([("type", "string")])),
                                    ("mappingVersion", .object([("type", "string")])),
                                ])
                            ),
                        ])
                    ),
                ])
            ),
            (
                "scheduleSpec",
                .object([
                    ("name", "PeriodicSchedule"),
                    ("type", "Periodic"),
                    (
                        "spec",
                        .object([
                            ("type", "object"),
                            ("required", .array(["startTime", "frequency"])),
                        ])
                    ),
                ])
            ),
            ("attributes", .object([("isSourceFlow", true), ("frequency", "batch")])),
        ])
    }
}
