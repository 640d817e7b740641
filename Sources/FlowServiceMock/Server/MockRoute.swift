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
    case patchConnection(id: String)
    case connectionSpec(id: String)
    /// A method or path the mock does not serve (answered 404).
    case other

    static let flowServicePath = "/data/foundation/flowservice"
    static let statsPath = "/__mock/stats"

    init(method: HTTPRequest.Method, path: String) {
        let components = path.split(separator: "/")
        switch (method, components.count) {
        case (.get, 2) where path == Self.statsPath || path == Self.statsPath + "/":
            self = .stats
        case (.post, 3) where components == ["ims", "token", "v3"]:
            self = .issueToken
        case (_, 4...6)
        where components[0] == "data" && components[1] == "foundation" && components[2] == "flowservice"
            && components[3] == "connections":
            self = Self.connectionsRoute(method: method, rest: components.dropFirst(4))
        case (.get, 5)
        where components[0] == "data" && components[1] == "foundation" && components[2] == "flowservice"
            && components[3] == "connectionSpecs":
            self = .connectionSpec(id: String(components[4]))
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
        default: .other
        }
    }

    /// Whether the gateway's checks apply (Flow Service endpoints).
    var isPlatform: Bool {
        switch self {
        case .createConnection, .listConnections, .getConnection, .deleteConnection, .testConnection,
            .patchConnection, .connectionSpec:
            true
        case .stats, .issueToken, .other: false
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
        case .patchConnection: "PATCH /connections/{id}"
        case .connectionSpec: "GET /connectionSpecs/{id}"
        case .other: "other"
        }
    }
}
