import FlowServiceMock
import Testing

@Suite("PATCH /connections/{id}", .timeLimit(.minutes(2)))
struct PatchTests {
    static func headers(ifMatch: String?, contentType: String? = "application/json") -> [(String, String)] {
        var headers = MockSession.platformHeaders()
        if let contentType {
            headers.append(("Content-Type", contentType))
        }
        if let ifMatch {
            headers.append(("If-Match", ifMatch))
        }
        return headers
    }

    static func replace(_ path: String, _ value: Any) -> String {
        MockSession.json([["op": "replace", "path": path, "value": value]])
    }

    static let newParams = ["host": "https://moved.acme.example", "username": "svc-2", "password": "rotated-pw-77"]

    /// Creates a basic connection; returns its ID and etag.
    static func created(_ session: MockSession, _ name: String = "Acme CRM") async throws -> (id: String, etag: String)
    {
        let answer = try await session.create(name)
        let body = try answer.object()
        return (try #require(body["id"] as? String), try #require(body["etag"] as? String))
    }

    static func patch(
        _ session: MockSession,
        _ id: String,
        ifMatch: String?,
        body: String,
        contentType: String? = "application/json"
    ) async throws -> MockAnswer {
        try await session.platform(
            .PATCH,
            "/connections/\(id)",
            headers: Self.headers(ifMatch: ifMatch, contentType: contentType),
            body: body
        )
    }

    @Test("A replace of the auth params answers 200 with a new etag; GET shows the new host, the etag, no secret")
    func rotateCredentials() async throws {
        try await MockSession.with { session in
            let (id, etag) = try await Self.created(session)
            let answer = try await Self.patch(
                session,
                id,
                ifMatch: etag,
                body: Self.replace("/auth/params", Self.newParams)
            )
            #expect(answer.status == 200, "\(answer.text)")
            let body = try answer.object()
            #expect(Set(body.keys) == ["id", "etag"])
            #expect(body["id"] as? String == id)
            let newEtag = try #require(body["etag"] as? String)
            #expect(newEtag != etag)
            #expect(newEtag.hasPrefix("\"") && newEtag.hasSuffix("\""))

            let read = try await session.platform(.GET, "/connections/\(id)")
            let item = try #require(try read.items().first)
            #expect(item["etag"] as? String == newEtag)
            let params = try #require((item["auth"] as? [String: Any])?["params"] as? [String: String])
            #expect(params == ["host": "https://moved.acme.example", "username": "svc-2", "password": "****"])
            #expect(!read.text.contains("rotated-pw-77"))
            #expect((item["updatedAt"] as? Int ?? 0) >= (item["createdAt"] as? Int ?? .max))
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            #expect(stored.params["host"] == "https://moved.acme.example")
            #expect(stored.secretParamNames == ["password"])
            #expect(stored.etag == newEtag)

            let again = try await Self.patch(
                session,
                id,
                ifMatch: newEtag,
                body: Self.replace("/description", "rotated")
            )
            #expect(again.status == 200)
            #expect(try again.object()["etag"] as? String != newEtag)
            #expect(session.mock.stats().count("PATCH /connections/{id}", status: "200") == 2)
            #expect(session.mock.stats().count("GET /connections/{id}", status: "200") == 1)
        }
    }

    @Test(
        "A connection made without a description shows no description member: replace of it is FLOW-1455, add sets it"
    )
    func descriptionIsAddedNotReplaced() async throws {
        try await MockSession.with { session in
            let body = MockSession.json([
                "name": "Bare",
                "auth": [
                    "specName": "Basic Authentication",
                    "params": ["host": "https://api.acme.example", "username": "u", "password": "p4ssw0rd"],
                ],
                "connectionSpec": ["id": "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62", "version": "1.0"],
            ])
            let created = try await session.platform(.POST, "/connections", body: body)
            let id = try #require(try created.object()["id"] as? String)
            let etag = try #require(try created.object()["etag"] as? String)
            let before = try #require(try await session.platform(.GET, "/connections/\(id)").items().first)
            #expect(before["description"] == nil)
            let replaced = try await Self.patch(session, id, ifMatch: etag, body: Self.replace("/description", "x"))
            try ProblemExpectation(
                status: 400,
                code: "FLOW-1455-400",
                title: "Invalid request",
                messagePart: "does not exist on the connection"
            )
            .check(replaced)
            let add = MockSession.json([["op": "add", "path": "/description", "value": "now described"]])
            let added = try await Self.patch(session, id, ifMatch: etag, body: add)
            #expect(added.status == 200, "\(added.text)")
            let after = try #require(try await session.platform(.GET, "/connections/\(id)").items().first)
            #expect(after["description"] as? String == "now described")
        }
    }

    @Test("No If-Match answers FLOW-1403-400, a stale one FLOW-1404-412; neither changes anything")
    func ifMatchIsRequired() async throws {
        try await MockSession.with { session in
            let (id, etag) = try await Self.created(session)
            let body = Self.replace("/auth/params", Self.newParams)
            let missing = try await Self.patch(session, id, ifMatch: nil, body: body)
            try ProblemExpectation(
                status: 400,
                code: "FLOW-1403-400",
                title: "Header is missing",
                messagePart: "The header 'If-Match' is missing"
            )
            .check(missing)
            let first = try await Self.patch(session, id, ifMatch: etag, body: body)
            let current = try #require(try first.object()["etag"] as? String)
            let stale = try await Self.patch(session, id, ifMatch: etag, body: Self.replace("/name", "renamed"))
            try ProblemExpectation(
                status: 412,
                code: "FLOW-1404-412",
                title: "Version not matching",
                messagePart: "The supplied version '\(etag)' does not match the current version on entity '\(current)'"
            )
            .check(stale)
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            #expect(stored.name == "Acme CRM")
            #expect(stored.etag == current)
            #expect(session.mock.stats().count("PATCH /connections/{id}", status: "412") == 1)
        }
    }

    @Test("A connection changed behind the client's back (touchConnection) refuses the old etag with 412")
    func touchedConnection() async throws {
        try await MockSession.with { session in
            let (id, etag) = try await Self.created(session)
            let touched = try #require(session.mock.touchConnection(id: id))
            #expect(touched != etag)
            let stale = try await Self.patch(session, id, ifMatch: etag, body: Self.replace("/description", "x"))
            #expect(stale.status == 412)
            let read = try await session.platform(.GET, "/connections/\(id)")
            #expect(try read.items().first?["etag"] as? String == touched)
            let patched = try await Self.patch(session, id, ifMatch: touched, body: Self.replace("/description", "x"))
            #expect(patched.status == 200)
            #expect(session.mock.touchConnection(id: id, sandbox: "dev") == nil)
        }
    }

    @Test("application/json-patch+json is accepted; text/plain gets the gateway's BadRequestError")
    func contentTypes() async throws {
        try await MockSession.with { session in
            let (id, etag) = try await Self.created(session)
            let wrong = try await Self.patch(
                session,
                id,
                ifMatch: etag,
                body: Self.replace("/name", "n2"),
                contentType: "text/plain"
            )
            try CreateValidationTests.checkBadContentType(wrong)
            let patched = try await Self.patch(
                session,
                id,
                ifMatch: etag,
                body: Self.replace("/name", "n2"),
                contentType: "application/json-patch+json"
            )
            #expect(patched.status == 200)
            let found = try await session.platform(.GET, "/connections?property=name==n2")
            #expect(try found.items().map { $0["id"] as? String } == [id])
            let old = try await session.platform(
                .GET,
                "/connections?property=name==\(MockSession.queryValue("Acme CRM"))"
            )
            #expect(try old.items().isEmpty)
        }
    }

    struct RefusedPatch: Sendable, CustomTestStringConvertible {
        var label: String
        var body: String
        var code: String
        var part: String

        init(_ label: String, _ body: String, _ code: String, _ part: String) {
            self.label = label
            self.body = body
            self.code = code
            self.part = part
        }

        var testDescription: String { self.label }
    }

    static let refusedPatches: [RefusedPatch] = [
        RefusedPatch(
            "an object, not a list",
            MockSession.json(["op": "replace", "path": "/name", "value": "x"]),
            "FLOW-1455-400",
            "must be a JSON array"
        ),
        RefusedPatch("an empty list", "[]", "FLOW-1455-400", "is empty"),
        RefusedPatch("an empty body", "", "FLOW-1405-400", "cannot be null or empty"),
        RefusedPatch("not JSON", "[{", "MOCK-4004-400", "not valid JSON"),
        RefusedPatch(
            "no value",
            MockSession.json([["op": "replace", "path": "/name"]]),
            "FLOW-1455-400",
            #"Missing field "value""#
        ),
        RefusedPatch(
            "op move",
            MockSession.json([["op": "move", "path": "/name", "value": "x"]]),
            "FLOW-1434-400",
            "Unsupported operation 'move' received"
        ),
        RefusedPatch(
            "op remove",
            MockSession.json([["op": "remove", "path": "/description", "value": "x"]]),
            "MOCK-4007-400",
            "does not implement the operation 'remove'"
        ),
        RefusedPatch(
            "the connection spec",
            replace("/connectionSpec/id", "x"),
            "FLOW-1414-400",
            "The connection spec of a connection cannot be updated"
        ),
        RefusedPatch("the state", replace("/state", "disabled"), "MOCK-4007-400", "a patch of '/state'"),
        RefusedPatch(
            "a field that does not exist",
            replace("/color", "red"),
            "FLOW-1455-400",
            #"Missing field "/color""#
        ),
        RefusedPatch("a blank name", replace("/name", "  "), "FLOW-1455-400", "non-blank string"),
        RefusedPatch(
            "params without the password",
            replace("/auth/params", ["host": "https://h.example", "username": "u"]),
            "MOCK-4001-400",
            "Missing required auth params for 'Basic Authentication': password."
        ),
        RefusedPatch(
            "params of the wrong type",
            replace("/auth/params", "secret"),
            "FLOW-1455-400",
            "must be an object"
        ),
    ]

    @Test(
        "A patch Flow Service or the mock refuses answers 400 with its code and changes nothing",
        arguments: Self.refusedPatches
    )
    func refusedPatch(_ testCase: RefusedPatch) async throws {
        try await MockSession.with { session in
            let (id, etag) = try await Self.created(session)
            let answer = try await Self.patch(session, id, ifMatch: etag, body: testCase.body)
            try ProblemExpectation(
                status: 400,
                code: testCase.code,
                title: "Invalid request",
                messagePart: testCase.part
            )
            .check(answer)
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            #expect(stored.etag == etag)
            #expect(stored.name == "Acme CRM")
            #expect(stored.params["host"] == "https://api.acme.example")
        }
    }

    @Test("OAuth params are checked against the connection's own auth spec; a failing credential test is MOCK-4003")
    func oauthPatch() async throws {
        try await MockSession.with { session in
            let created = try await session.platform(
                .POST,
                "/connections",
                body: MockSession.oauthBody(
                    name: "oauth",
                    specName: "oAuth2RefreshCode",
                    params: ["host": "https://api.acme.example", "accessToken": "at-old"]
                )
            )
            let body = try created.object()
            let id = try #require(body["id"] as? String)
            let etag = try #require(body["etag"] as? String)
            let failing = try await Self.patch(
                session,
                id,
                ifMatch: etag,
                body: Self.replace(
                    "/auth/params",
                    [
                        "host": "https://h.example", "accessToken": "at-new",
                        "authorizationTestUrl": "https://auth.invalid/me",
                    ]
                )
            )
            try ProblemExpectation(
                status: 400,
                code: "MOCK-4003-400",
                title: "Invalid request",
                messagePart: "The connection test failed"
            )
            .check(failing)
            let rotated = try await Self.patch(
                session,
                id,
                ifMatch: etag,
                body: Self.replace(
                    "/auth/params",
                    ["host": "https://h.example", "accessToken": "at-new", "refreshToken": "rt-new"]
                )
            )
            #expect(rotated.status == 200)
            let read = try await session.platform(.GET, "/connections/\(id)")
            #expect(!read.text.contains("at-new") && !read.text.contains("rt-new"))
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            #expect(stored.secretParamNames == ["accessToken", "refreshToken"])
        }
    }

    @Test("A patch of an unknown connection answers 404 FLOW-1101-404; the test follows the patched host")
    func unknownAndTest() async throws {
        try await MockSession.with { session in
            let missing = try await Self.patch(
                session,
                "00000000-0000-4000-8000-000000000000",
                ifMatch: "\"x\"",
                body: Self.replace("/name", "x")
            )
            #expect(missing.status == 404)
            let (id, etag) = try await Self.created(session)
            let before = try await session.platform(.GET, "/connections/\(id)/test")
            #expect(try before.object()["result"] as? Bool == true)
            let moved = try await Self.patch(
                session,
                id,
                ifMatch: etag,
                body: Self.replace(
                    "/auth/params",
                    ["host": "https://gone.example.invalid", "username": "u", "password": "p"]
                )
            )
            #expect(moved.status == 200)
            let after = try await session.platform(.GET, "/connections/\(id)/test")
            #expect(after.status == 200)
            let result = try after.object()
            #expect(Set(result.keys) == ["result"])
            #expect(result["result"] as? Bool == false)
            #expect(session.mock.stats().count("GET /connections/{id}/test", status: "200") == 2)
        }
    }
}
