import Hummingbird

/// The endpoints the mock serves, recognised from a request's method and path.
///
/// The mock routes by hand instead of through Hummingbird's `Router`: with eight endpoints the
/// router's trie, middleware chain and per-request context storage were a measurable share of a
/// create's cost.
enum MockRoute: Equatable, Sendable {
    case stats
    case issueToken
    case createConnection
    case listConnections
    case getConnection(id: String)
    case deleteConnection(id: String)
    case testConnection(id: String)
    case exploreConnection(id: String)
    case patchConnection(id: String)
    case connectionSpec(id: String)
    case createResource(ResourceKind)
    case listResources(ResourceKind)
    case getResource(ResourceKind, id: String)
    case deleteResource(ResourceKind, id: String)
    case flowSpecs
    case flowSpec(id: String)
    case runs
    case dataset(id: String)
    case mappingSet(id: String)
    /// A method or path the mock does not serve (answered 404).
    case other

    static let flowServicePath = "/data/foundation/flowservice"
    static let statsPath = "/__mock/stats"

    init(method: HTTPRequest.Method, path: String) {
        let components = path.split(separator: "/")
        guard components.count >= 4, components[0] == "data", components[1] == "foundation" else {
            switch (method, components.count) {
            case (.get, 2) where path == Self.statsPath || path == Self.statsPath + "/":
                self = .stats
            case (.post, 3) where components == ["ims", "token", "v3"]:
                self = .issueToken
            default:
                self = .other
            }
            return
        }
        let rest = components.dropFirst(4)
        switch (method, components[2], components[3], rest.count) {
        case (_, "flowservice", "connections", 0...2):
            self = Self.connectionsRoute(method: method, rest: rest)
        case (.get, "flowservice", "connectionSpecs", 1):
            self = .connectionSpec(id: String(rest[rest.startIndex]))
        case (.get, "flowservice", "flowSpecs", 0): self = .flowSpecs
        case (.get, "flowservice", "flowSpecs", 1): self = .flowSpec(id: String(rest[rest.startIndex]))
        case (.get, "flowservice", "runs", 0): self = .runs
        case (.get, "catalog", "dataSets", 1): self = .dataset(id: String(rest[rest.startIndex]))
        case (.get, "conversion", "mappingSets", 1): self = .mappingSet(id: String(rest[rest.startIndex]))
        case (_, "flowservice", let name, 0...1):
            guard let kind = ResourceKind(rawValue: String(name)) else {
                self = .other
                return
            }
            switch (method, rest.first.map(String.init)) {
            case (.post, nil): self = .createResource(kind)
            case (.get, nil): self = .listResources(kind)
            case (.get, let id?): self = .getResource(kind, id: id)
            case (.delete, let id?): self = .deleteResource(kind, id: id)
            default: self = .other
            }
        default:
            self = .other
        }
    }

    private static func connectionsRoute(method: HTTPRequest.Method, rest: ArraySlice<Substring>) -> MockRoute {
        switch (method, rest.count) {
        case (.post, 0): .createConnection
        case (.get, 0): .listConnections
        case (.get, 1): .getConnection(id: String(rest[rest.startIndex]))
        case (.delete, 1): .deleteConnection(id: String(rest[rest.startIndex]))
        case (.patch, 1): .patchConnection(id: String(rest[rest.startIndex]))
        case (.get, 2) where rest.last == "test": .testConnection(id: String(rest[rest.startIndex]))
        case (.get, 2) where rest.last == "explore": .exploreConnection(id: String(rest[rest.startIndex]))
        default: .other
        }
    }

    /// Whether the gateway's checks apply (Platform endpoints: Flow Service, Catalog, Data Prep).
    var isPlatform: Bool {
        switch self {
        case .stats, .issueToken, .other: false
        default: true
        }
    }

    /// The key the statistics count this route under, e.g. `"GET /connections/{id}"`; `nil` for
    /// the mock's own endpoint, which is neither counted nor delayed.
    var statsKey: String? {
        switch self {
        case .stats: nil
        case .issueToken: "POST /ims/token/v3"
        case .createConnection: "POST /connections"
        case .listConnections: "GET /connections"
        case .getConnection: "GET /connections/{id}"
        case .deleteConnection: "DELETE /connections/{id}"
        case .testConnection: "GET /connections/{id}/test"
        case .exploreConnection: "GET /connections/{id}/explore"
        case .patchConnection: "PATCH /connections/{id}"
        case .connectionSpec: "GET /connectionSpecs/{id}"
        case .createResource(let kind): "POST /\(kind.path)"
        case .listResources(let kind): "GET /\(kind.path)"
        case .getResource(let kind, _): "GET /\(kind.path)/{id}"
        case .deleteResource(let kind, _): "DELETE /\(kind.path)/{id}"
        case .flowSpecs: "GET /flowSpecs"
        case .flowSpec: "GET /flowSpecs/{id}"
        case .runs: "GET /runs"
        case .dataset: "GET /catalog/dataSets/{id}"
        case .mappingSet: "GET /conversion/mappingSets/{id}"
        case .other: "other"
        }
    }
}
