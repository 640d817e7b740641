/// The connection specs the mock knows: only Adobe's generic REST API source.
enum ConnectionSpecCatalog {
    static let genericRESTID = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
    /// Known versions, oldest first; a request without a version gets the last one.
    static let genericRESTVersions = ["1.0"]

    /// The answer of `GET /connectionSpecs/{id}` for the generic REST spec, listing `authSpecs`:
    /// `{"items": [spec]}`, the envelope of the OpenAPI description's `ConnectionSpecResponse`.
    static func genericRESTAnswer(authSpecs: [AuthSpec]) -> JSONOutput {
        let spec: JSONOutput = .object([
            ("id", .string(Self.genericRESTID)),
            ("name", "generic-rest-extension"),
            ("providerId", "0ed90a81-07f4-4586-8190-b40eccef1c5a"),
            ("version", .string(Self.genericRESTVersions[Self.genericRESTVersions.count - 1])),
            ("authSpec", .array(authSpecs.map(\.json))),
            (
                "attributes",
                .object([("category", "Protocols"), ("connectorName", "Generic REST API"), ("isSource", true)])
            ),
        ])
        return .object([("items", .array([spec]))])
    }
}
