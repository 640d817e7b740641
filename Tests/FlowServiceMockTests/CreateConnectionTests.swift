import FlowServiceMock
import Foundation
import Testing

@Suite("Creating connections", .timeLimit(.minutes(3)))
struct CreateConnectionTests {
    @Test("A valid create answers 201 with Location, a UUID id and a quoted etag")
    func createAnswers201() async throws {
        try await MockSession.with { session in
            let answer = try await session.create("Acme CRM (basic)")
            #expect(answer.status == 201)
            let body = try answer.object()
            #expect(body.keys.sorted() == ["etag", "id"])
            let id = try #require(body["id"] as? String)
            #expect(UUID(uuidString: id) != nil)
            #expect(id == id.lowercased())
            let etag = try #require(body["etag"] as? String)
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count > 2)
            #expect(answer.text.contains(#""etag":"\""#))
            #expect(answer.header("location") == "/data/foundation/flowservice/connections/\(id)")
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            #expect(stored.id == id)
            #expect(stored.etag == etag)
            #expect(stored.name == "Acme CRM (basic)")
            #expect(stored.specName == "Basic Authentication")
        }
    }

    @Test(
        "Both spellings of the OAuth 2 refresh-code spec name are accepted",
        arguments: ["OAuth2 Refresh Code", "oAuth2RefreshCode"]
    )
    func oauthSpellings(_ specName: String) async throws {
        try await MockSession.with { session in
            let body = MockSession.oauthBody(
                name: "oauth source",
                specName: specName,
                params: ["host": "https://api.acme.example", "accessToken": "at-123"]
            )
            let answer = try await session.platform(.POST, "/connections", body: body)
            #expect(answer.status == 201)
            let id = try #require(try answer.object()["id"] as? String)
            let item = try #require(try await session.platform(.GET, "/connections/\(id)").items().first)
            #expect((item["auth"] as? [String: Any])?["specName"] as? String == specName)
        }
    }

    @Test("An OAuth connection keeps its optional params; secrets are masked")
    func oauthOptionalParams() async throws {
        try await MockSession.with { session in
            let params = [
                "host": "https://api.acme.example",
                "authorizationTestUrl": "https://api.acme.example/me",
                "clientId": "client-42",
                "clientSecret": "cs-secret-value",
                "accessToken": "at-secret-value",
                "refreshToken": "rt-secret-value",
                "expirationDate": "2027-03-31",
                "accessTokenUrl": "https://auth.acme.example/oauth/token",
            ]
            let body = MockSession.oauthBody(name: "oauth full", specName: "OAuth2 Refresh Code", params: params)
            let created = try await session.platform(.POST, "/connections", body: body)
            let id = try #require(try created.object()["id"] as? String)
            let answer = try await session.platform(.GET, "/connections/\(id)")
            let item = try #require(try answer.items().first)
            let shown = try #require((item["auth"] as? [String: Any])?["params"] as? [String: String])
            #expect(shown["host"] == "https://api.acme.example")
            #expect(shown["clientId"] == "client-42")
            #expect(shown["expirationDate"] == "2027-03-31")
            #expect(shown["accessTokenUrl"] == "https://auth.acme.example/oauth/token")
            for secret in ["clientSecret", "accessToken", "refreshToken"] {
                #expect(shown[secret] == "****")
            }
            for value in ["cs-secret-value", "at-secret-value", "rt-secret-value"] {
                #expect(!answer.text.contains(value))
            }
        }
    }

    @Test("A connection spec without a version gets the latest, 1.0")
    func missingVersionMeansLatest() async throws {
        try await MockSession.with { session in
            let body = MockSession.json([
                "name": "no version",
                "auth": [
                    "specName": "Basic Authentication",
                    "params": ["host": "https://h.example", "username": "u", "password": "p"],
                ],
                "connectionSpec": ["id": MockSession.genericRESTSpecID],
            ])
            let created = try await session.platform(.POST, "/connections", body: body)
            #expect(created.status == 201)
            let id = try #require(try created.object()["id"] as? String)
            let item = try #require(try await session.platform(.GET, "/connections/\(id)").items().first)
            let spec = try #require(item["connectionSpec"] as? [String: String])
            #expect(spec == ["id": MockSession.genericRESTSpecID, "version": "1.0"])
        }
    }

    @Test("A second connection with the same name is created, as in the real service")
    func duplicateNamesAreAllowed() async throws {
        try await MockSession.with { session in
            let first = try await session.createID("Same Name")
            let second = try await session.createID("Same Name")
            #expect(first != second)
            let listed = try await session.platform(.GET, "/connections?property=name==Same%20Name").items()
            #expect(Set(listed.compactMap { $0["id"] as? String }) == [first, second])
        }
    }

    @Test("Connections live in the sandbox they were created in")
    func sandboxesAreIsolated() async throws {
        try await MockSession.with { session in
            let id = try await session.createID("Only In Prod", sandbox: "prod")
            #expect(try await session.platform(.GET, "/connections", sandbox: "dev").items().isEmpty)
            #expect(try await session.platform(.GET, "/connections/\(id)", sandbox: "dev").status == 404)
            #expect(try await session.platform(.DELETE, "/connections/\(id)", sandbox: "dev").status == 404)
            #expect(try await session.platform(.GET, "/connections/\(id)", sandbox: "prod").status == 200)
            let devID = try await session.createID("Only In Prod", sandbox: "dev")
            #expect(session.mock.connections(sandbox: "dev").map(\.id) == [devID])
            #expect(session.mock.connections(sandbox: "prod").map(\.id) == [id])
            #expect(session.mock.stats().duplicateNames.isEmpty)
        }
    }

    @Test("A connection inserted by a test is listed like a created one")
    func insertedConnectionIsListed() async throws {
        try await MockSession.with { session in
            let inserted = session.mock.insertConnection(name: "Seeded", sandbox: "dev")
            let items = try await session.platform(.GET, "/connections?property=name==Seeded", sandbox: "dev").items()
            #expect(items.map { $0["id"] as? String } == [inserted.id])
        }
    }
}
