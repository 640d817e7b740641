import FlowServiceMock
import Testing

@Suite("Get, test and delete one connection", .timeLimit(.minutes(3)))
struct ConnectionLookupTests {
    static let notFound = ProblemExpectation(
        status: 404,
        code: "FLOW-1101-404",
        title: "Resource not found",
        messagePart: "Resource with given id does not exist"
    )

    @Test("GET /connections/{id} answers a one-item items list with Adobe's item fields")
    func getAnswersOneItem() async throws {
        try await MockSession.with { session in
            let created = try await session.create("Acme CRM")
            let body = try created.object()
            let id = try #require(body["id"] as? String)
            let answer = try await session.platform(.GET, "/connections/\(id)")
            #expect(answer.status == 200)
            let items = try answer.items()
            #expect(items.count == 1)
            let item = try #require(items.first)
            #expect(item["id"] as? String == id)
            #expect(item["name"] as? String == "Acme CRM")
            #expect(item["description"] as? String == "made by a test")
            #expect(item["state"] as? String == "enabled")
            #expect(item["etag"] as? String == body["etag"] as? String)
            #expect(item["version"] as? String == body["etag"] as? String)
            #expect(item["sandboxName"] as? String == "prod")
            #expect(item["imsOrgId"] as? String == "DEMO0000000000000000@AdobeOrg")
            #expect(item["createdClient"] as? String == "flowbatch-demo")
            #expect(item["createdBy"] as? String == "flowbatch-demo")
            #expect((item["sandboxId"] as? String)?.count == 36)
            let createdAt = try #require(item["createdAt"] as? Int)
            #expect(createdAt > 1_600_000_000_000)
            #expect(item["updatedAt"] as? Int == createdAt)
            let auth = try #require(item["auth"] as? [String: Any])
            #expect(auth["specName"] as? String == "Basic Authentication")
            let params = try #require(auth["params"] as? [String: String])
            #expect(params == ["host": "https://api.acme.example", "username": "svc-user", "password": "****"])
        }
    }

    @Test("No answer ever shows a secret value")
    func secretsAreNeverEchoed() async throws {
        try await MockSession.with { session in
            let password = "pw-\(UInt64.random(in: 1...UInt64.max))"
            let id = try #require(try await session.create("Secretive", password: password).object()["id"] as? String)
            let oauth = MockSession.oauthBody(
                name: "Secretive OAuth",
                specName: "OAuth2 Refresh Code",
                params: [
                    "host": "https://h.example", "accessToken": "at-\(password)", "refreshToken": "rt-\(password)",
                    "clientSecret": "cs-\(password)",
                ]
            )
            let oauthID = try #require(
                try await session.platform(.POST, "/connections", body: oauth).object()["id"] as? String
            )
            let answers = [
                try await session.platform(.GET, "/connections"),
                try await session.platform(.GET, "/connections?property=name==Secretive"),
                try await session.platform(.GET, "/connections/\(id)"),
                try await session.platform(.GET, "/connections/\(oauthID)"),
                try await session.platform(.GET, "/connections/\(id)/test"),
                try await session.send(.GET, "/__mock/stats", headers: []),
            ]
            for answer in answers {
                #expect(answer.status == 200)
                #expect(!answer.text.contains(password))
            }
        }
    }

    @Test("The connectivity test is true, and false for a host in the .invalid domain")
    func connectivityTest() async throws {
        try await MockSession.with { session in
            let good = try await session.createID("reachable")
            let badBody = MockSession.basicBody(name: "unreachable", host: "https://api.acme.invalid/v1")
            let bad = try #require(
                try await session.platform(.POST, "/connections", body: badBody).object()["id"] as? String
            )
            let goodAnswer = try await session.platform(.GET, "/connections/\(good)/test")
            #expect(goodAnswer.status == 200)
            #expect(try goodAnswer.object() as? [String: Bool] == ["result": true])
            let badAnswer = try await session.platform(.GET, "/connections/\(bad)/test")
            #expect(try badAnswer.object() as? [String: Bool] == ["result": false])
        }
    }

    @Test("DELETE answers 204 with an empty body; the connection is gone afterwards")
    func deleteRemoves() async throws {
        try await MockSession.with { session in
            let id = try await session.createID("to delete")
            let keep = try await session.createID("to keep")
            let answer = try await session.platform(.DELETE, "/connections/\(id)")
            #expect(answer.status == 204)
            #expect(answer.data.count == 0)
            try Self.notFound.check(try await session.platform(.GET, "/connections/\(id)"))
            try Self.notFound.check(try await session.platform(.DELETE, "/connections/\(id)"))
            #expect(session.mock.connections(sandbox: nil).map(\.id) == [keep])
            #expect(session.mock.stats().connections == 1)
        }
    }

    @Test("DELETE also accepts the trailing slash of Adobe's path template")
    func deleteWithTrailingSlash() async throws {
        try await MockSession.with { session in
            let id = try await session.createID("slash")
            #expect(try await session.platform(.DELETE, "/connections/\(id)/").status == 204)
            #expect(session.mock.connections(sandbox: nil).isEmpty)
        }
    }

    @Test("An unknown id answers 404 FLOW-1101-404 on get, test and delete")
    func unknownID() async throws {
        try await MockSession.with { session in
            let id = "6c1f0b6e-0000-4000-8000-000000000000"
            try Self.notFound.check(try await session.platform(.GET, "/connections/\(id)"))
            try Self.notFound.check(try await session.platform(.GET, "/connections/\(id)/test"))
            try Self.notFound.check(try await session.platform(.DELETE, "/connections/\(id)"))
        }
    }
}
