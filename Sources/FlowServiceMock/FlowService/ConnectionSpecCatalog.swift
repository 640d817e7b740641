/// The connection specs the mock knows: Adobe's generic REST API source, and the Data Lake spec
/// that target connections use (known by ID only: Adobe documents no `GET` of it for this chain).
enum ConnectionSpecCatalog {
    static let genericRESTID = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
    /// Known versions, oldest first; a request without a version gets the last one.
    static let genericRESTVersions = ["1.0"]
    /// The Data Lake connection spec of every target connection into Platform.
    static let dataLakeID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
    static let dataLakeVersions = ["1.0"]

    /// The generic REST source's `sourceSpec`: the params of a source connection made from one of
    /// its base connections, as a JSON Schema.
    ///
    /// **Invented by the mock.** Adobe does not document generic REST's `sourceSpec`; this one is a
    /// small plausible shape so that a client is made to read the params (and which are required)
    /// from the spec instead of assuming them: `urlParams.path` (required string, the resource path
    /// on the base connection's host), `urlParams.method` (required, `GET` or `POST`) and
    /// `contentType` (optional, `application/json` or `application/x-ndjson`).
    static let genericRESTSourceSpec = SchemaNode(
        type: .object,
        description: "Defines params required when this connection is used as a source in flow (invented by the mock).",
        properties: [
            (
                "urlParams",
                SchemaNode(
                    type: .object,
                    description: "Where to read the source's records on the base connection's host.",
                    properties: [
                        ("path", SchemaNode(type: .string, description: "The resource path, e.g. /v1/customers.")),
                        (
                            "method",
                            SchemaNode(
                                type: .string,
                                description: "The HTTP method to read with.",
                                enumValues: ["GET", "POST"]
                            )
                        ),
                    ],
                    required: ["path", "method"]
                )
            ),
            (
                "contentType",
                SchemaNode(
                    type: .string,
                    description: "The media type the source answers with.",
                    enumValues: ["application/json", "application/x-ndjson"]
                )
            ),
        ],
        required: ["urlParams"]
    )

    /// The answer of `GET /connectionSpecs/{id}` for the generic REST spec, listing `authSpecs`:
    /// `{"items": [spec]}`, the envelope of the OpenAPI description's `ConnectionSpecResponse`.
    static func genericRESTAnswer(authSpecs: [AuthSpec]) -> JSONOutput {
        var sourceSpec = Self.genericRESTSourceSpec.json
        if case .object(var members) = sourceSpec {
            members.insert(("$schema", "http://json-schema.org/draft-07/schema#"), at: 0)
            sourceSpec = .object(members)
        }
        let spec: JSONOutput = .object([
            ("id", .string(Self.genericRESTID)),
            ("name", "generic-rest-extension"),
            ("providerId", "0ed90a81-07f4-4586-8190-b40eccef1c5a"),
            ("version", .string(Self.genericRESTVersions[Self.genericRESTVersions.count - 1])),
            ("authSpec", .array(authSpecs.map(\.json))),
            ("sourceSpec", .object([("name", "REST"), ("type", "REST"), ("spec", sourceSpec)])),
            (
                "attributes",
                .object([("category", "Protocols"), ("connectorName", "Generic REST API"), ("isSource", true)])
            ),
        ])
        return .object([("items", .array([spec]))])
    }
}
