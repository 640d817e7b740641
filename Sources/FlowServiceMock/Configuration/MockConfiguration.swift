/// Everything the mock Flow Service and IMS token service can be told: where to listen, which
/// credentials, org and sandboxes it accepts, and which faults it injects.
///
/// `init()` gives the defaults that `flowbatch mock` documents; every fault is off.
public struct MockConfiguration: Sendable {
    /// Host or address to bind. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// TCP port to bind; `0` picks a free port (read it from ``RunningMock/port``). Default `8080`.
    public var port: Int = 8080
    /// The client ID that IMS accepts and that every Platform call must send as `x-api-key`.
    /// Default `flowbatch-demo`.
    public var clientID: String = "flowbatch-demo"
    /// The client secret that IMS accepts. Default `flowbatch-demo-secret`.
    public var clientSecret: String = "flowbatch-demo-secret"
    /// The organization the mock serves; `x-gw-ims-org-id` must equal it.
    /// Default `DEMO0000000000000000@AdobeOrg`.
    public var orgID: String = "DEMO0000000000000000@AdobeOrg"
    /// A bearer token accepted forever, in addition to the tokens the mock's IMS issues. Default none.
    public var staticToken: String?
    /// Sandboxes that exist; any other `x-sandbox-name` answers 404 `FLOW-2100-404`.
    /// Default `["prod", "dev"]`.
    public var sandboxes: [String] = ["prod", "dev"]
    /// Lifetime of issued tokens, reported as `expires_in` (whole seconds); after it they answer
    /// 401 `401013`. Default 24 hours.
    public var tokenLifetime: Duration = .seconds(86_400)
    /// The only OAuth 2 refresh-code auth spec name the connection spec lists and creates accept;
    /// `nil` (the default) lists and accepts both of Adobe's spellings, `OAuth2 Refresh Code` and
    /// `oAuth2RefreshCode`.
    public var oauthSpecName: String?
    /// Serve HTTPS with this certificate and key instead of plain HTTP. Default `nil` (plain HTTP).
    public var tls: MockTLS?
    /// The Catalog datasets the mock serves and target connections may write to. Default one,
    /// ``MockDataset/demo``.
    public var datasets: [MockDataset] = [.demo]
    /// The Data Prep mapping sets the mock serves and flows may name. Default one, ``MockMappingSet/demo``.
    public var mappingSets: [MockMappingSet] = [.demo]
    /// The injected faults; all off by default. They can be changed while the mock runs with
    /// ``RunningMock/updateFaults(_:)``.
    public var faults: MockFaults = MockFaults()
    /// The time source for token expiry and throttle windows. Default: the system's monotonic clock.
    /// Tests pass a ``ManualMockClock`` to expire tokens without sleeping.
    public var clock: any MockClock = SystemMockClock()

    /// The defaults, as documented on each property.
    public init() {}

    /// Checks the values that cannot be expressed by the types alone.
    ///
    /// - Throws: ``MockConfigurationError`` naming the first offending option.
    public func validate() throws(MockConfigurationError) {
        guard (0...65_535).contains(self.port) else {
            throw MockConfigurationError(.outOfRange, option: "port", value: String(self.port))
        }
        guard !self.sandboxes.isEmpty, self.sandboxes.allSatisfy({ !$0.isEmpty }) else {
            throw MockConfigurationError(.outOfRange, option: "sandboxes", value: self.sandboxes.joined(separator: ","))
        }
        guard self.tokenLifetime > .zero else {
            throw MockConfigurationError(
                .outOfRange,
                option: "token-lifetime",
                value: MockDuration.format(self.tokenLifetime)
            )
        }
        if let name = self.oauthSpecName, name.isEmpty || name == AuthSpec.basicName {
            throw MockConfigurationError(.outOfRange, option: "oauth-spec-name", value: name)
        }
        for dataset in self.datasets where !Self.isIdentifier(dataset.id) || dataset.schemaID.isEmpty {
            throw MockConfigurationError(.outOfRange, option: "dataset", value: dataset.id + "=" + dataset.schemaID)
        }
        if let repeated = Self.firstRepeated(self.datasets.map(\.id)) {
            throw MockConfigurationError(.outOfRange, option: "dataset", value: repeated)
        }
        for mappingSet in self.mappingSets where !Self.isIdentifier(mappingSet.id) || mappingSet.version < 0 {
            throw MockConfigurationError(.outOfRange, option: "mapping-set", value: mappingSet.id)
        }
        if let repeated = Self.firstRepeated(self.mappingSets.map(\.id)) {
            throw MockConfigurationError(.outOfRange, option: "mapping-set", value: repeated)
        }
        try self.faults.validate()
        _ = try self.tls?.serverConfiguration()
    }

    /// An ID that fits in one path segment: not empty, no `/`, `?` or `#`.
    private static func isIdentifier(_ id: String) -> Bool {
        !id.isEmpty && !id.contains { $0 == "/" || $0 == "?" || $0 == "#" }
    }

    private static func firstRepeated(_ ids: [String]) -> String? {
        var seen: Set<String> = []
        return ids.first { !seen.insert($0).inserted }
    }
}
