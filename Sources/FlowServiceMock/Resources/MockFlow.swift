import Foundation

/// A flow the mock holds, as tests see it.
public struct MockFlow: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var sandbox: String
    public var flowSpecID: String
    public var sourceConnectionIDs: [String]
    public var targetConnectionIDs: [String]
    /// The `mappingId` of its `Mapping` transformation, when it has one.
    public var mappingID: String?
    /// `scheduleParams.startTime`, epoch seconds.
    public var startTime: Int64
    /// `scheduleParams.frequency`: `once`, `minute`, `hour`, `day` or `week`.
    public var frequency: String
    /// `scheduleParams.interval`; `nil` for `once`.
    public var interval: Int64?
    public var etag: String
    public var createdAt: Date

    init(_ resource: StoredResource) {
        self.id = resource.id
        self.name = resource.name
        self.sandbox = resource.sandboxName
        self.flowSpecID = resource.fields["flowSpec.id"]?.first ?? ""
        self.sourceConnectionIDs = resource.fields["sourceConnectionIds"] ?? []
        self.targetConnectionIDs = resource.fields["targetConnectionIds"] ?? []
        var mappingID: String?
        if case .array(let transformations)? = resource.member("transformations") {
            mappingID = transformations.lazy.compactMap { $0.member("params")?.member("mappingId")?.text }.first
        }
        self.mappingID = mappingID
        self.startTime = resource.schedule?.startTime ?? 0
        self.frequency = resource.schedule?.frequency.rawValue ?? ""
        self.interval = resource.schedule?.interval
        self.etag = resource.etag
        self.createdAt = Date(timeIntervalSince1970: Double(resource.createdAt) / 1_000)
    }
}
