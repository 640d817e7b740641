/// A Data Prep mapping set the mock knows (`GET /data/foundation/conversion/mappingSets/{id}`),
/// which a flow's `Mapping` transformation may name.
public struct MockMappingSet: Sendable, Equatable, Hashable {
    /// The mapping set ID (Data Prep's are 32 hex digits; any non-empty text without `/` is accepted).
    public var id: String
    /// Its version, answered as the integer `version`; a flow's `mappingVersion` must be it, as text.
    public var version: Int

    /// A mapping set at `version` (default 0, a new mapping set's).
    public init(id: String, version: Int = 0) {
        self.id = id
        self.version = version
    }

    /// The demo mapping set a mock started without mapping sets serves (the ID is invented).
    public static let demo = MockMappingSet(id: "f0e1d2c3b4a5968778695a4b3c2d1e0f")
}
