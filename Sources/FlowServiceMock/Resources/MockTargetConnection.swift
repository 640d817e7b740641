import Foundation

/// A target connection the mock holds, as tests see it.
public struct MockTargetConnection: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var sandbox: String
    /// `params.dataSetId`: the dataset it writes to.
    public var datasetID: String
    /// `data.schema.id`.
    public var schemaID: String
    public var etag: String
    public var createdAt: Date

    init(_ resource: StoredResource) {
        self.id = resource.id
        self.name = resource.name
        self.sandbox = resource.sandboxName
        self.datasetID = resource.fields["params.dataSetId"]?.first ?? ""
        self.schemaID =
            resource.member("data").flatMap { $0.member("schema") }.flatMap { $0.member("id")?.text } ?? ""
        self.etag = resource.etag
        self.createdAt = Date(timeIntervalSince1970: Double(resource.createdAt) / 1_000)
    }
}
