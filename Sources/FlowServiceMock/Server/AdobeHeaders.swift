import Hummingbird

extension HTTPFields.Element.Name {
    static let xRequestID = HTTPFields.Element.Name("x-request-id")!
    static let xAPIKey = HTTPFields.Element.Name("x-api-key")!
    static let xGatewayIMSOrgID = HTTPFields.Element.Name("x-gw-ims-org-id")!
    static let xSandboxName = HTTPFields.Element.Name("x-sandbox-name")!
}
