import FlowServiceMock
import Testing

@Suite("GET /connectionSpecs/{id} and the auth spec names creates accept", .timeLimit(.minutes(2)))
struct ConnectionSpecTests {
    static let specPath = "/connectionSpecs/\(MockSession.genericRESTSpecID)"
    static let oauthParams = ["host": "https://api.acme.example", "accessToken": "at-1"]

    /// The `authSpec` list of the generic REST spec, checked to come in the `{"items": [spec]}` envelope.
    static func authSpecs(_ session: MockSession) async throws -> [[String: Any]] {
        let answer = try await session.platform(.GET, Self.specPath)
        #expect(answer.status == 200)
        #expect(answer.header("content-type") == "application/json")
        let items = try answer.items()
        #expect(items.count == 1)
        let spec = try #require(items.first)
        #expect(spec["id"] as? String == MockSession.genericRESTSpecID)
        #expect(spec["version"] as? String == "1.0")
        return try #require(spec["authSpec"] as? [[String: Any]])
    }

    static func schema(_ authSpec: [String: Any]) throws -> [String: Any] {
        try #require(authSpec["spec"] as? [String: Any])
    }

    @Test("By default the spec lists basic and both OAuth spellings, each with its params and required ones")
    func defaultSpec() async throws {
        try await MockSession.with { session in
            let specs = try await Self.authSpecs(session)
            #expect(
                specs.map { $0["name"] as? String } == [
                    "Basic Authentication", "OAuth2 Refresh Code", "oAuth2RefreshCode",
                ]
            )
            #expect(
                specs.map { $0["type"] as? String } == [
                    "BasicAuthentication", "OAuth2RefreshCode", "OAuth2RefreshCode",
                ]
            )
            let basic = try Self.schema(specs[0])
            #expect(basic["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
            #expect(basic["type"] as? String == "object")
            #expect(basic["required"] as? [String] == ["host", "username", "password"])
            let basicProperties = try #require(basic["properties"] as? [String: [String: String]])
            #expect(Set(basicProperties.keys) == ["host", "username", "password"])
            #expect(basicProperties["password"]?["format"] == "password")
            #expect(basicProperties["username"]?["format"] == nil)
            for oauth in specs[1...] {
                let schema = try Self.schema(oauth)
                #expect(schema["required"] as? [String] == ["host", "accessToken"])
                let properties = try #require(schema["properties"] as? [String: [String: String]])
                #expect(
                    Set(properties.keys) == [
                        "host", "authorizationTestUrl", "clientId", "clientSecret", "accessToken", "refreshToken",
                        "expirationDate", "accessTokenUrl",
                    ]
                )
                #expect(properties["expirationDate"]?["format"] == "date")
                #expect(
                    properties.filter { $0.value["format"] == "password" }.keys.sorted() == [
                        "accessToken", "clientSecret", "refreshToken",
                    ]
                )
            }
            for name in ["OAuth2 Refresh Code", "oAuth2RefreshCode"] {
                let created = try await session.platform(
                    .POST,
                    "/connections",
                    body: MockSession.oauthBody(name: name, specName: name, params: Self.oauthParams)
                )
                #expect(created.status == 201, "\(name): \(created.text)")
            }
            #expect(session.mock.stats().count("GET /connectionSpecs/{id}", status: "200") == 1)
        }
    }

    @Test("With --oauth-spec-name the spec lists only that name, and a create with the other spelling is FLOW-1415-400")
    func singleOAuthName() async throws {
        let configuration = MockSession.configuration { $0.oauthSpecName = "oAuth2RefreshCode" }
        try await MockSession.with(configuration) { session in
            let specs = try await Self.authSpecs(session)
            #expect(specs.map { $0["name"] as? String } == ["Basic Authentication", "oAuth2RefreshCode"])
            let refused = try await session.platform(
                .POST,
                "/connections",
                body: MockSession.oauthBody(name: "guessed", specName: "OAuth2 Refresh Code", params: Self.oauthParams)
            )
            try ProblemExpectation(
                status: 400,
                code: "FLOW-1415-400",
                title: "Invalid request",
                messagePart: "The auth spec 'OAuth2 Refresh Code' could not be found for the connection spec ID "
                    + "\(MockSession.genericRESTSpecID). Supported: 'Basic Authentication', 'oAuth2RefreshCode'."
            )
            .check(refused)
            let created = try await session.platform(
                .POST,
                "/connections",
                body: MockSession.oauthBody(name: "read", specName: "oAuth2RefreshCode", params: Self.oauthParams)
            )
            #expect(created.status == 201)
            #expect(session.mock.connections(sandbox: nil).map(\.name) == ["read"])
        }
    }

    @Test("The required params come from the listed spec: OAuth needs host and accessToken, nothing else")
    func requiredParamsFollowTheSpec() async throws {
        try await MockSession.with { session in
            let missingHost = try await session.platform(
                .POST,
                "/connections",
                body: MockSession.oauthBody(name: "o", specName: "oAuth2RefreshCode", params: ["accessToken": "a"])
            )
            try ProblemExpectation(
                status: 400,
                code: "MOCK-4001-400",
                title: "Invalid request",
                messagePart: "Missing required auth params for 'oAuth2RefreshCode': host."
            )
            .check(missingHost)
            #expect(session.mock.connections(sandbox: nil).isEmpty)
        }
    }

    @Test("An unknown connection spec ID answers 404 FLOW-1101-404")
    func unknownSpec() async throws {
        try await MockSession.with { session in
            let answer = try await session.platform(.GET, "/connectionSpecs/00000000-0000-0000-0000-000000000000")
            try ProblemExpectation(
                status: 404,
                code: "FLOW-1101-404",
                title: "Resource not found",
                messagePart: "Resource with given id does not exist"
            )
            .check(answer)
            let noToken = MockSession.platformHeaders().filter { $0.0 != "Authorization" }
            let refused = try await session.platform(.GET, Self.specPath, headers: noToken)
            #expect(refused.status == 403)
            #expect(session.mock.stats().count("GET /connectionSpecs/{id}", status: "404") == 1)
            #expect(session.mock.stats().count("GET /connectionSpecs/{id}", status: "403") == 1)
        }
    }
}
