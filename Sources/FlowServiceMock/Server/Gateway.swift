import Hummingbird

/// Adobe's API gateway in front of Flow Service: checks `x-api-key`, the bearer token and
/// `x-gw-ims-org-id` in that order, then the throttle, before a request reaches Flow Service.
struct Gateway: Sendable {
    let state: MockState

    func admit(_ headers: HTTPFields) throws(GatewayError) {
        let configuration = self.state.configuration
        guard let apiKey = headers[.xAPIKey], !apiKey.isEmpty else { throw .apiKeyMissing }
        guard apiKey == configuration.clientID else { throw .apiKeyInvalid }
        guard let authorization = headers[.authorization], !authorization.isEmpty else { throw .tokenMissing }
        guard let token = Self.bearerToken(authorization) else { throw .tokenInvalid }
        let accepted =
            configuration.staticToken.map { token == $0 } ?? false
            || self.state.tokens.isValid(String(token), now: configuration.clock.now)
        guard accepted else { throw .tokenInvalid }
        guard let org = headers[.xGatewayIMSOrgID], !org.isEmpty else { throw .orgMissing }
        guard org == configuration.orgID else { throw .orgInvalid }
        if let limit = self.state.faults.throttleRPS,
            !self.state.throttle.admit(limit: limit, now: configuration.clock.now)
        {
            throw .throttled(retryAfter: 1)
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
