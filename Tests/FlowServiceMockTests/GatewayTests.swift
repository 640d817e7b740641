import FlowServiceMock
import Testing

@Suite("Gateway header checks", .timeLimit(.minutes(3)))
struct GatewayTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var change: @Sendable ([(String, String)]) -> [(String, String)]
        var status: Int
        var code: String
        var message: String

        var testDescription: String { self.label }
    }

    static func without(_ name: String) -> @Sendable ([(String, String)]) -> [(String, String)] {
        { headers in headers.filter { $0.0 != name } }
    }

    static func replacing(_ name: String, with value: String) -> @Sendable ([(String, String)]) -> [(String, String)] {
        { headers in headers.map { $0.0 == name ? (name, value) : $0 } }
    }

    static let cases: [Case] = [
        Case(
            label: "no Authorization",
            change: without("Authorization"),
            status: 403,
            code: "403010",
            message: "Oauth token is missing."
        ),
        Case(
            label: "unknown token",
            change: replacing("Authorization", with: "Bearer not-a-token"),
            status: 401,
            code: "401013",
            message: "Oauth token is not valid"
        ),
        Case(
            label: "Authorization that is not a bearer token",
            change: replacing("Authorization", with: "Basic dXNlcjpwYXNz"),
            status: 401,
            code: "401013",
            message: "Oauth token is not valid"
        ),
        Case(
            label: "no x-api-key",
            change: without("x-api-key"),
            status: 403,
            code: "403000",
            message: "Api Key is required"
        ),
        Case(
            label: "x-api-key that is not the client ID",
            change: replacing("x-api-key", with: "someone-else"),
            status: 403,
            code: "403003",
            message: "Api Key is invalid"
        ),
        Case(
            label: "no x-gw-ims-org-id",
            change: without("x-gw-ims-org-id"),
            status: 400,
            code: "400003",
            message: "Missing header"
        ),
        Case(
            label: "another org",
            change: replacing("x-gw-ims-org-id", with: "OTHER@AdobeOrg"),
            status: 403,
            code: "403027",
            message: "User region is missing"
        ),
    ]

    @Test("A request failing a header check gets the gateway's error body", arguments: Self.cases)
    func headerCheckFails(_ testCase: Case) async throws {
        try await MockSession.with { session in
            let headers = testCase.change(MockSession.platformHeaders())
            let calls: [(MockSession.Method, String)] = [
                (.GET, "/connections"), (.POST, "/connections"), (.DELETE, "/connections/x"),
            ]
            for (method, path) in calls {
                let answer = try await session.platform(
                    method,
                    path,
                    headers: headers + [("Content-Type", "application/json")],
                    body: method == .POST ? MockSession.basicBody(name: "n") : nil
                )
                #expect(answer.status == testCase.status, "\(method) \(path)")
                #expect(answer.header("content-type") == "application/json")
                let body = try answer.object()
                #expect(body.count == 2)
                #expect(body["error_code"] as? String == testCase.code)
                #expect(body["message"] as? String == testCase.message)
                #expect(answer.requestID?.isEmpty == false)
            }
            #expect(session.mock.connections(sandbox: nil).isEmpty)
        }
    }

    @Test("The gateway checks run before the sandbox and body checks")
    func gatewayComesFirst() async throws {
        try await MockSession.with { session in
            let headers = Self.without("Authorization")(MockSession.platformHeaders(sandbox: "nowhere"))
            let answer = try await session.platform(.POST, "/connections", headers: headers, body: "{")
            #expect(answer.status == 403)
            #expect(try answer.object()["error_code"] as? String == "403010")
        }
    }

    @Test("Every answer carries its own x-request-id, also errors, token answers, stats and unknown paths")
    func everyAnswerHasARequestID() async throws {
        try await MockSession.with { session in
            var ids: [String] = []
            let answers = [
                try await session.platform(.GET, "/connections"),
                try await session.platform(.GET, "/connections", headers: []),
                try await session.send(.POST, "/ims/token/v3", headers: [], body: "grant_type=password"),
                try await session.send(.GET, "/__mock/stats", headers: []),
                try await session.send(.GET, "/no/such/path", headers: []),
            ]
            for answer in answers {
                let id = try #require(answer.requestID)
                #expect(id.count == 36)
                ids.append(id)
            }
            #expect(Set(ids).count == ids.count)
        }
    }
}
