import Hummingbird

/// Adobe's API gateway in front of Flow Service: checks `x-api-key`, the bearer token and
/// `x-gw-ims-org-id` in that order, then the token's entitlement to the org, then the throttle,
/// before a request reaches Flow Service.
struct Gateway: Sendable {
    let state: MockState

    func admit(_ headers: HTTPFields) throws {
        let configuration = self.state.configuration
        guard let apiKey = headers[.xAPIKey], !apiKey.isEmpty else { throw GatewayError.apiKeyMissing }
        guard apiKey == configuration.clientID else { throw GatewayError.apiKeyInvalid }
        guard let authorization = headers[.authorization], !authorization.isEmpty else {
            throw GatewayError.tokenMissing
        }
        guard let token = Self.bearerToken(authorization) else { throw GatewayError.tokenInvalid }
        let accepted =
            configuration.staticToken.map { token == $0 } ?? false
            || self.state.tokens.isValid(String(token), now: configuration.clock.now)
        guard accepted else { throw GatewayError.tokenInvalid }
        guard let org = headers[.xGatewayIMSOrgID], !org.isEmpty else { throw GatewayError.orgMissing }
        guard org == configuration.orgID else { throw GatewayError.orgInvalid }
        let faults = self.state.faults.faults
        guard !faults.unentitledToken else { throw GatewayError.notEntitled }
        if let limit = faults.throttleRPS, !self.state.throttle.admit(limit: limit, now: configuration.clock.now) {
            if faults.throttleBare {
                throw EmptyAnswer(status: .tooManyRequests)
            }
            throw GatewayError.throttled(retryAfter: 1)
        }
    }

    private static func bearerToken(_ authorization: String) -> Substring? {
        let text = MediaType.trimmingSpaces(authorization[...])
        guard let space = text.firstIndex(of: " "),
            MediaType.equalsIgnoringASCIICase(text[..<space], "bearer")
        else { return nil }
        let token = MediaType.trimmingSpaces(text[space...])
        return token.isEmpty ? nil : token
    }
}
