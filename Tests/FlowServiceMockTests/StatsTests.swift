import AsyncHTTPClient
import FlowServiceMock
import Foundation
import Testing

@Suite("Statistics", .timeLimit(.minutes(10)))
struct StatsTests {
    @Test("1,000 concurrent creates are each counted once under 201 and all exist")
    func concurrentCreatesAreCountedExactly() async throws {
        let client = MockSession.makeClient(connectionsPerHost: 64, connectionWait: .seconds(600))
        // Shut the client down also when the test fails: a client dropped while running traps.
        let statuses: [Int]
        do {
            statuses = try await Self.createConcurrently(client: client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        #expect(statuses.count == 1_000)
    }

    private static func createConcurrently(client: HTTPClient) async throws -> [Int] {
        try await MockSession.with { session in
            let body = MockSession.basicBody(name: "concurrent")
            let url = session.mock.flowServiceURL + "/connections"
            let headers = MockSession.platformHeaders() + [("Content-Type", "application/json")]
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<1_000 {
                    group.addTask {
                        try await MockSession.send(.POST, url: url, headers: headers, body: body, client: client).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 1_000)
            #expect(statuses.allSatisfy { $0 == 201 })
            let stats = session.mock.stats()
            #expect(stats.requests["POST /connections"] == ["201": 1_000])
            #expect(stats.connections == 1_000)
            #expect(Set(session.mock.connections(sandbox: "prod").map(\.id)).count == 1_000)
            #expect(stats.duplicateNames == ["concurrent"])
            return statuses
        }
    }

    @Test("duplicateNames lists each name used twice within one sandbox, once")
    func duplicateNames() async throws {
        try await MockSession.with { session in
            for (name, sandbox) in [
                ("dup", "prod"), ("dup", "prod"), ("dup", "prod"), ("dup-dev", "dev"), ("dup-dev", "dev"),
                ("solo", "prod"), ("cross", "prod"), ("cross", "dev"), ("dup", "dev"),
            ] {
                _ = try await session.createID(name, sandbox: sandbox)
            }
            let stats = session.mock.stats()
            #expect(stats.duplicateNames == ["dup", "dup-dev"])
            #expect(stats.connections == 9)
        }
    }

    @Test("Answers are counted per route template and status, gateway errors included")
    func countsPerRoute() async throws {
        try await MockSession.with { session in
            let id = try await session.createID("counted")
            _ = try await session.platform(.GET, "/connections")
            _ = try await session.platform(.GET, "/connections", headers: [])
            _ = try await session.platform(.GET, "/connections/\(id)")
            _ = try await session.platform(.GET, "/connections/nope")
            _ = try await session.platform(.GET, "/connections/\(id)/test")
            _ = try await session.platform(.DELETE, "/connections/\(id)")
            _ = try await session.send(.POST, "/ims/token/v3", headers: [], body: "grant_type=x")
            _ = try await session.send(.GET, "/elsewhere", headers: [])
            let stats = session.mock.stats()
            #expect(
                stats.requests == [
                    "POST /connections": ["201": 1],
                    "GET /connections": ["200": 1, "403": 1],
                    "GET /connections/{id}": ["200": 1, "404": 1],
                    "GET /connections/{id}/test": ["200": 1],
                    "DELETE /connections/{id}": ["204": 1],
                    "POST /ims/token/v3": ["401": 1],
                    "other": ["404": 1],
                ]
            )
        }
    }

    @Test("GET /__mock/stats needs no credentials, answers the same as stats() and does not count itself")
    func statsOverHTTP() async throws {
        try await MockSession.with { session in
            _ = try await session.createID("a")
            _ = try await session.createID("a")
            let first = try await session.send(.GET, "/__mock/stats", headers: [])
            #expect(first.status == 200)
            #expect(first.header("content-type") == "application/json")
            let decoded = try JSONDecoder().decode(MockStats.self, from: first.data)
            #expect(decoded == session.mock.stats())
            #expect(
                decoded == MockStats(connections: 2, duplicateNames: ["a"], requests: ["POST /connections": ["201": 2]])
            )
            let object = try first.object()
            #expect(
                Set(object.keys)
                    == ["connections", "duplicateNames", "requests", "sourceConnections", "targetConnections", "flows"]
            )
        }
    }
}
