/// A Catalog dataset the mock knows (`GET /data/foundation/catalog/dataSets/{id}`), the target of a
/// target connection.
public struct MockDataset: Sendable, Equatable, Hashable {
    /// The dataset ID (Catalog's are 24 hex digits; any non-empty text without `/` is accepted).
    public var id: String
    /// The `$id` of its XDM schema, answered as `schemaRef.id`; a target connection must name it.
    public var schemaID: String
    /// The dataset's name.
    public var name: String

    /// A dataset; without `schemaID`, `https://ns.adobe.com/flowbatch/schemas/<id>`.
    public init(id: String, schemaID: String? = nil, name: String? = nil) {
        self.id = id
        self.schemaID = schemaID ?? "https://ns.adobe.com/flowbatch/schemas/\(id)"
        self.name = name ?? "flowbatch dataset \(id)"
    }

    /// The demo dataset a mock started without datasets serves (the IDs are invented).
    public static let demo = MockDataset(
        id: "6390f5b3e1e7ee1c07d1f3d1",
        schemaID: "https://ns.adobe.com/flowbatchdemo/schemas/4e5f1a2b3c4d5e6f7a8b9c0d1e2f3a4b",
        name: "flowbatch demo dataset"
    )

    /// Parses `ID` or `ID=SCHEMA_ID`, as `flowbatch mock --dataset` takes it; `nil` for an empty ID or schema.
    public init?(option text: String) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty else { return nil }
        self.init(id: parts[0], schemaID: parts.count > 1 ? parts[1] : nil)
    }
}
