import Hummingbird

/// An error of the IMS token service: `{"error": "invalid_client", "error_description": "..."}`.
///
/// A client that fails to authenticate gets 401 (as RFC 6749 allows for `invalid_client`); a
/// request the service cannot use gets 400.
struct IMSError: MockErrorAnswer, Equatable {
    var status: HTTPResponse.Status
    var error: String
    var errorDescription: String

    static let invalidClientID = IMSError(
        status: .unauthorized,
        error: "invalid_client",
        errorDescription: "invalid client_id parameter"
    )
    static let invalidClientSecret = IMSError(
        status: .unauthorized,
        error: "invalid_client",
        errorDescription: "invalid client_secret parameter"
    )
    static let missingGrantType = IMSError(
        status: .badRequest,
        error: "invalid_request",
        errorDescription: "missing grant_type parameter"
    )

    static func unsupportedGrantType(_ grantType: String) -> IMSError {
        IMSError(
            status: .badRequest,
            error: "unsupported_grant_type",
            errorDescription: "grant_type '\(grantType)' is not supported; use client_credentials"
        )
    }

    func response(requestID: String) -> Response {
        JSONAnswer.response(
            self.status,
            .object([("error", .string(self.error)), ("error_description", .string(self.errorDescription))])
        )
    }
}
