import FlowServiceMock
import Testing

@Suite("Flow Service checks on POST /connections", .timeLimit(.minutes(3)))
struct CreateValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var body: String
        var contentType: String? = "application/json"
        var sandbox: String? = "prod"
        var expected: ProblemExpectation

        var testDescription: String { self.label }
    }

    static let specID = MockSession.genericRESTSpecID

    static func body(
        name: Any? = "valid name",
        specName: String = "Basic Authentication",
        params: [String: Any]? = ["host": "https://h.example", "username": "u", "password": "p"],
        spec: [String: Any]? = ["id": specID, "version": "1.0"]
    ) -> String {
        var object: [String: Any] = [:]
        object["name"] = name
        var auth: [String: Any] = ["specName": specName]
        auth["params"] = params
        object["auth"] = auth
        object["connectionSpec"] = spec
        return MockSession.json(object)
    }

    /// `code` without the status, e.g. `FLOW-1413` or `MOCK-4001`.
    static func invalid(_ code: String, _ part: String) -> ProblemExpectation {
        ProblemExpectation(status: 400, code: "\(code)-400", title: "Invalid request", messagePart: part)
    }

    /// The gateway's answer to a body that is not declared JSON.
    static let badContentType = ProblemExpectation(
        status: 400,
        code: "",
        title: "BadRequestError",
        messagePart: "A valid content-type must be specified"
    )

    static let cases: [Case] = [
        Case(label: "empty body", body: "", expected: invalid("FLOW-1405", "The request body cannot be null or empty")),
        Case(
            label: "blank body",
            body: " \n\t",
            expected: invalid("FLOW-1405", "The request body cannot be null or empty")
        ),
        Case(label: "malformed JSON", body: #"{"name": "x""#, expected: invalid("MOCK-4004", "not valid JSON")),
        Case(label: "JSON array", body: "[]", expected: invalid("MOCK-4004", "must be a JSON object")),
        Case(label: "missing name", body: body(name: nil), expected: invalid("MOCK-4005", "'name' is required")),
        Case(label: "blank name", body: body(name: "   "), expected: invalid("MOCK-4005", "'name' is required")),
        Case(
            label: "name not a string",
            body: body(name: 42),
            expected: invalid("MOCK-4004", "'name' must be a string")
        ),
        Case(
            label: "missing connectionSpec",
            body: body(spec: nil),
            expected: invalid("MOCK-4005", "'connectionSpec' is required")
        ),
        Case(
            label: "missing connectionSpec.id",
            body: body(spec: ["version": "1.0"]),
            expected: invalid("MOCK-4005", "'connectionSpec.id' is required")
        ),
        Case(
            label: "unknown connection spec",
            body: body(spec: ["id": "00000000-0000-0000-0000-000000000000", "version": "1.0"]),
            expected: invalid("FLOW-1413", "The spec ID provided is invalid")
        ),
        Case(
            label: "unknown connection spec version",
            body: body(spec: ["id": specID, "version": "9.9"]),
            expected: invalid("FLOW-1413", "no version '9.9'")
        ),
        Case(
            label: "missing auth",
            body: MockSession.json(["name": "n", "connectionSpec": ["id": specID, "version": "1.0"]]),
            expected: invalid("MOCK-4005", "'auth' is required")
        ),
        Case(
            label: "unknown auth spec name",
            body: body(specName: "Bearer Token"),
            expected: invalid("FLOW-1415", "The auth spec 'Bearer Token' could not be found")
        ),
        Case(
            label: "basic without password",
            body: body(params: ["host": "https://h.example", "username": "u"]),
            expected: invalid("MOCK-4001", "Missing required auth params for 'Basic Authentication': password.")
        ),
        Case(
            label: "basic without params",
            body: body(params: nil),
            expected: invalid(
                "MOCK-4001",
                "Missing required auth params for 'Basic Authentication': host, username, password."
            )
        ),
        Case(
            label: "basic with an empty username",
            body: body(params: ["host": "https://h.example", "username": "", "password": "p"]),
            expected: invalid("MOCK-4001", ": username.")
        ),
        Case(
            label: "password not a string",
            body: body(params: ["host": "https://h.example", "username": "u", "password": 123]),
            expected: invalid("MOCK-4002", "The auth param 'password' must be a string.")
        ),
        Case(
            label: "OAuth without access token",
            body: body(specName: "OAuth2 Refresh Code", params: ["host": "https://h.example", "refreshToken": "r"]),
            expected: invalid("MOCK-4001", "Missing required auth params for 'OAuth2 Refresh Code': accessToken.")
        ),
        Case(
            label: "OAuth with an impossible expiration date",
            body: body(
                specName: "oAuth2RefreshCode",
                params: ["host": "https://h.example", "accessToken": "a", "expirationDate": "2027-02-30"]
            ),
            expected: invalid("MOCK-4002", "'expirationDate' must be a date written YYYY-MM-DD")
        ),
        Case(
            label: "credentials that fail the authorization test",
            body: body(
                specName: "OAuth2 Refresh Code",
                params: [
                    "host": "https://h.example", "accessToken": "a",
                    "authorizationTestUrl": "https://auth.unreachable.invalid/me",
                ]
            ),
            expected: invalid("MOCK-4003", "The connection test failed")
        ),
        Case(
            label: "text/plain body",
            body: body(),
            contentType: "text/plain",
            expected: badContentType
        ),
        Case(
            label: "no Content-Type",
            body: body(),
            contentType: nil,
            expected: badContentType
        ),
        Case(
            label: "no x-sandbox-name",
            body: body(),
            sandbox: nil,
            expected: ProblemExpectation(
                status: 400,
                code: "FLOW-2105-400",
                title: "Header is missing",
                messagePart: "x-sandbox-name is missing"
            )
        ),
        Case(
            label: "unknown sandbox",
            body: body(),
            sandbox: "staging",
            expected: ProblemExpectation(
                status: 404,
                code: "FLOW-2100-404",
                title: "Sandbox not found",
                messagePart: "'staging' could not be found"
            )
        ),
    ]

    @Test("A create that Flow Service refuses gets its problem answer and creates nothing", arguments: Self.cases)
    func refusedCreate(_ testCase: Case) async throws {
        try await MockSession.with { session in
            var headers = MockSession.platformHeaders(sandbox: testCase.sandbox ?? "")
            if testCase.sandbox == nil {
                headers.removeAll { $0.0 == "x-sandbox-name" }
            }
            if let contentType = testCase.contentType {
                headers.append(("Content-Type", contentType))
            }
            let answer = try await session.platform(.POST, "/connections", headers: headers, body: testCase.body)
            if testCase.expected.title == "BadRequestError" {
                try Self.checkBadContentType(answer)
            } else {
                try testCase.expected.check(answer)
            }
            #expect(session.mock.connections(sandbox: nil).isEmpty)
            #expect(session.mock.stats().count("POST /connections", status: String(testCase.expected.status)) == 1)
        }
    }

    /// The gateway's `BadRequestError` body, exactly as Adobe's troubleshooting guide shows it.
    static func checkBadContentType(_ answer: MockAnswer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(answer.status == 400, sourceLocation: sourceLocation)
        let body = try answer.object()
        #expect(Set(body.keys) == ["type", "status", "title", "detail"], sourceLocation: sourceLocation)
        #expect(body["type"] as? String == "/placeholder/type/uri", sourceLocation: sourceLocation)
        #expect(body["status"] as? Int == 400, sourceLocation: sourceLocation)
        #expect(body["title"] as? String == "BadRequestError", sourceLocation: sourceLocation)
        #expect(body["detail"] as? String == "A valid content-type must be specified", sourceLocation: sourceLocation)
    }

    @Test("A body over 1 MiB answers 413 and creates nothing")
    func bodyTooLarge() async throws {
        try await MockSession.with { session in
            let padding = String(repeating: "x", count: 1 << 20)
            let answer = try await session.platform(.POST, "/connections", body: #"{"name": "\#(padding)"}"#)
            try ProblemExpectation(status: 413, code: "MOCK-4008-413", title: "Payload Too Large", messagePart: "1 MiB")
                .check(answer)
            #expect(session.mock.connections(sandbox: nil).isEmpty)
        }
    }

    @Test("A Content-Type with parameters is still JSON")
    func contentTypeWithCharset() async throws {
        try await MockSession.with { session in
            let headers = MockSession.platformHeaders() + [("Content-Type", "Application/JSON; charset=utf-8")]
            let answer = try await session.platform(.POST, "/connections", headers: headers, body: Self.body())
            #expect(answer.status == 201)
        }
    }

    @Test("Unknown extra auth params are accepted and never shown")
    func extraParamsAreNotEchoed() async throws {
        try await MockSession.with { session in
            let body = Self.body(params: [
                "host": "https://h.example", "username": "u", "password": "p", "apiKey": "k-99",
            ])
            let created = try await session.platform(.POST, "/connections", body: body)
            let id = try #require(try created.object()["id"] as? String)
            let answer = try await session.platform(.GET, "/connections/\(id)")
            #expect(answer.status == 200)
            #expect(!answer.text.contains("k-99"))
        }
    }
}
