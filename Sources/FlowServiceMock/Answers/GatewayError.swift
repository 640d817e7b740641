import Hummingbird

/// An error of Adobe's API gateway, answered before a request reaches Flow Service:
/// `{"error_code": "403010", "message": "Oauth token is missing."}`.
struct GatewayError: MockErrorAnswer, Equatable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// Seconds for the `Retry-After` header, when there is one.
    var retryAfter: Int?

    static let tokenMissing = GatewayError(status: .forbidden, code: "403010", message: "Oauth token is missing.")
    static let tokenInvalid = GatewayError(status: .unauthorized, code: "401013", message: "Oauth token is not valid")
    static let apiKeyMissing = GatewayError(status: .forbidden, code: "403000", message: "Api Key is required")
    static let apiKeyInvalid = GatewayError(status: .forbidden, code: "403003", message: "Api Key is invalid")
    static let orgMissing = GatewayError(status: .badRequest, code: "400003", message: "Missing header")
    static let notEntitled = GatewayError(status: .forbidden, code: "403025", message: "Profile is not valid")
    static let orgInvalid = GatewayError(status: .forbidden, code: "403027", message: "User region is missing")

    static func throttled(retryAfter seconds: Int) -> GatewayError {
        GatewayError(
            status: .tooManyRequests,
            code: "429050",
            message: "Too many requests",
            retryAfter: max(1, seconds)
        )
    }

    func response(requestID: String) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter {
            headers[.retryAfter] = String(retryAfter)
        }
        return JSONAnswer.response(
            self.status,
            .object([("error_code", .string(self.code)), ("message", .string(self.message))]),
            headers: headers
        )
    }
}
