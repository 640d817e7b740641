import FlowServiceMock
import Testing

@Suite("IMS tokens", .timeLimit(.minutes(3)))
struct TokenTests {
    static let form = [("Content-Type", "application/x-www-form-urlencoded")]
    static let goodForm =
        "grant_type=client_credentials&client_id=flowbatch-demo&client_secret=flowbatch-demo-secret"
        + "&scope=openid%2CAdobeID%2Cread_organizations%2Cadditional_info.projectedProductContext%2Csession"

    static func issue(_ session: MockSession, body: String = Self.goodForm) async throws -> String {
        let answer = try await session.send(.POST, "/ims/token/v3", headers: Self.form, body: body)
        guard answer.status == 200, let token = try answer.object()["access_token"] as? String else {
            throw TestFailure("token answer \(answer.status): \(answer.text)")
        }
        return token
    }

    @Test("A form-encoded client-credentials request gets a bearer token that Platform accepts")
    func issueAndUse() async throws {
        try await MockSession.with { session in
            let answer = try await session.send(.POST, "/ims/token/v3", headers: Self.form, body: Self.goodForm)
            #expect(answer.status == 200)
            let body = try answer.object()
            #expect(Set(body.keys) == ["access_token", "token_type", "expires_in"])
            #expect(body["token_type"] as? String == "bearer")
            #expect(body["expires_in"] as? Int == 86_400)
            let token = try #require(body["access_token"] as? String)
            #expect(token.count >= 32)
            #expect(try await Self.issue(session) != token)
            let listed = try await session.platform(
                .GET,
                "/connections",
                headers: MockSession.platformHeaders(token: token)
            )
            #expect(listed.status == 200)
        }
    }

    @Test("Client ID and secret may come as query parameters, as IMS allows")
    func credentialsInQuery() async throws {
        try await MockSession.with { session in
            let answer = try await session.send(
                .POST,
                "/ims/token/v3?client_id=flowbatch-demo&client_secret=flowbatch-demo-secret",
                headers: Self.form,
                body: "grant_type=client_credentials&scope=openid"
            )
            #expect(answer.status == 200)
            #expect(try answer.object()["access_token"] is String)
        }
    }

    static let refusals: [(String, Int, String, String)] = [
        (
            "grant_type=client_credentials&client_id=wrong&client_secret=flowbatch-demo-secret", 401,
            "invalid_client", "invalid client_id parameter"
        ),
        (
            "grant_type=client_credentials&client_id=flowbatch-demo&client_secret=wrong", 401, "invalid_client",
            "invalid client_secret parameter"
        ),
        ("grant_type=client_credentials&client_secret=flowbatch-demo-secret", 401, "invalid_client", "client_id"),
        (
            "grant_type=authorization_code&client_id=flowbatch-demo&client_secret=flowbatch-demo-secret", 400,
            "unsupported_grant_type", "'authorization_code' is not supported"
        ),
        (
            "client_id=flowbatch-demo&client_secret=flowbatch-demo-secret", 400, "invalid_request",
            "missing grant_type"
        ),
    ]

    @Test("Refused token requests answer IMS's error body", arguments: Self.refusals)
    func refused(_ body: String, _ status: Int, _ error: String, _ descriptionPart: String) async throws {
        try await MockSession.with { session in
            let answer = try await session.send(.POST, "/ims/token/v3", headers: Self.form, body: body)
            #expect(answer.status == status)
            let object = try answer.object()
            #expect(Set(object.keys) == ["error", "error_description"])
            #expect(object["error"] as? String == error)
            #expect((object["error_description"] as? String)?.contains(descriptionPart) == true)
            #expect(session.mock.stats().count("POST /ims/token/v3", status: String(status)) == 1)
        }
    }

    @Test("An issued token answers 401013 once its lifetime has passed; the static token never expires")
    func tokenExpires() async throws {
        let clock = ManualMockClock()
        try await MockSession.with(
            MockSession.configuration {
                $0.tokenLifetime = .seconds(1)
                $0.clock = clock
            }
        ) { session in
            let answer = try await session.send(.POST, "/ims/token/v3", headers: Self.form, body: Self.goodForm)
            #expect(try answer.object()["expires_in"] as? Int == 1)
            let token = try #require(try answer.object()["access_token"] as? String)
            let headers = MockSession.platformHeaders(token: token)
            clock.advance(by: .milliseconds(999))
            #expect(try await session.platform(.GET, "/connections", headers: headers).status == 200)
            clock.advance(by: .milliseconds(1))
            let expired = try await session.platform(.GET, "/connections", headers: headers)
            #expect(expired.status == 401)
            #expect(try expired.object()["error_code"] as? String == "401013")
            let fresh = try await Self.issue(session)
            #expect(
                try await session.platform(.GET, "/connections", headers: MockSession.platformHeaders(token: fresh))
                    .status == 200
            )
            clock.advance(by: .seconds(365 * 86_400))
            #expect(try await session.platform(.GET, "/connections").status == 200)
        }
    }

    @Test("Without a static token configured, only issued tokens are accepted")
    func onlyIssuedTokensWithoutStaticToken() async throws {
        try await MockSession.with(MockSession.configuration { $0.staticToken = nil }) { session in
            let answer = try await session.platform(.GET, "/connections")
            #expect(answer.status == 401)
            let token = try await Self.issue(session)
            #expect(
                try await session.platform(.GET, "/connections", headers: MockSession.platformHeaders(token: token))
                    .status == 200
            )
        }
    }

    @Test("The token endpoint is neither throttled nor behind the gateway")
    func tokenEndpointIsNotThrottled() async throws {
        let clock = ManualMockClock()
        try await MockSession.with(
            MockSession.configuration {
                $0.faults.throttleRPS = 1
                $0.clock = clock
            }
        ) { session in
            for _ in 0..<5 {
                _ = try await Self.issue(session)
            }
            #expect(session.mock.stats().count("POST /ims/token/v3", status: "200") == 5)
        }
    }
}
