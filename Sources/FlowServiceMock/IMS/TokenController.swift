import Hummingbird
import NIOCore

/// Adobe IMS's token endpoint for OAuth server-to-server credentials: `POST /ims/token/v3`.
///
/// Reads `client_id`, `client_secret`, `grant_type` (and ignores `scope`) from a form-encoded
/// body, falling back to the query string as IMS does. Checks the client ID, then the secret
/// (401 `invalid_client`), then the grant type (400 `invalid_request` when missing,
/// 400 `unsupported_grant_type` when not `client_credentials`). With
/// ``MockFaults/imsThrottleCount`` the first requests answer 429 before any of that.
struct TokenController: Sendable {
    static let maximumBodyBytes = 64 << 10

    let state: MockState

    func issue(_ request: Request) async throws -> Response {
        if self.state.faults.drawIMSThrottle() {
            throw EmptyAnswer(status: .tooManyRequests, retryAfter: self.state.faults.faults.throttleBare ? nil : 1)
        }
        let query = URLFormFields(request.uri.query ?? "")
        var form = URLFormFields("")
        let contentType = request.headers[.contentType]
        if contentType == nil || MediaType.matches(contentType, "application/x-www-form-urlencoded") {
            let body = try await request.body.collect(upTo: Self.maximumBodyBytes)
            form = URLFormFields(String(buffer: body))
        }
        let configuration = self.state.configuration
        guard (form["client_id"] ?? query["client_id"]) == configuration.clientID else {
            throw IMSError.invalidClientID
        }
        guard (form["client_secret"] ?? query["client_secret"]) == configuration.clientSecret else {
            throw IMSError.invalidClientSecret
        }
        guard let grantType = form["grant_type"] ?? query["grant_type"] else { throw IMSError.missingGrantType }
        guard grantType == "client_credentials" else { throw IMSError.unsupportedGrantType(grantType) }
        let token = self.state.tokens.issue(lifetime: configuration.tokenLifetime, now: configuration.clock.now)
        let body: JSONOutput = .object([
            ("access_token", .string(token)),
            ("token_type", "bearer"),
            ("expires_in", .integer(configuration.tokenLifetime.components.seconds)),
        ])
        return JSONAnswer.response(.ok, body, headers: [.cacheControl: "no-store"])
    }
}
