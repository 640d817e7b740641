import Hummingbird

/// Adobe's API gateway in front of Flow Service: checks `x-api-key`, the bearer token and
/// `x-gw-ims-org-id` in that order, then the throttle, before a request reaches Flow Service.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    let state: MockState

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try self.checkHeaders(request.headers)
        if let limit = self.state.faults.faults.throttleRPS,
            !self.state.throttle.admit(limit: limit, now: self.state.configuration.clock.now)
        {
            throw GatewayError.throttled(retryAfter: 1)
        }
        return try await next(request, context)
    }

    private func checkHeaders(_ headers: HTTPFields) throws(GatewayError) {
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
    }

    private static func bearerToken(_ authorization: String) -> Substring? {
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, MediaType.equalsIgnoringASCIICase(parts[0], "bearer") else { return nil }
        let token = MediaType.trimmingSpaces(parts[1])
        return token.isEmpty ? nil : token
    }
}
