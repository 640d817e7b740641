import NIOHTTP1

/// The headers of flowbatch's `POST /connections`, in the order `FlowServiceClient` adds them.
struct Headers: Sendable {
    var token: String
    var apiKey: String
    var orgID: String

    /// The headers of a create in `sandbox`.
    func create(sandbox: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        headers.add(name: "x-api-key", value: apiKey)
        headers.add(name: "x-gw-ims-org-id", value: orgID)
        headers.add(name: "x-sandbox-name", value: sandbox)
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "Content-Type", value: "application/json")
        return headers
    }
}
