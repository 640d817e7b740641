import Hummingbird

/// The paths the mock serves and the keys its statistics count them under.
enum MockRoute {
    static let flowServicePath = "/data/foundation/flowservice"
    static let tokenPath = "/ims/token/v3"
    static let statsPath = "/__mock/stats"
    /// The key for requests to paths the mock does not serve.
    static let otherKey = "other"

    /// The statistics key of a request, e.g. `"GET /connections/{id}"`: the method and the matched
    /// path template without the Flow Service prefix. `nil` for the mock's own endpoints, which are
    /// neither counted nor delayed.
    static func statsKey(method: HTTPRequest.Method, endpointPath: String?) -> String? {
        guard let endpointPath else { return Self.otherKey }
        if endpointPath.hasPrefix("/__mock") {
            return nil
        }
        let path =
            endpointPath.hasPrefix(Self.flowServicePath)
            ? String(endpointPath.dropFirst(Self.flowServicePath.count)) : endpointPath
        return "\(method.rawValue) \(path)"
    }
}
