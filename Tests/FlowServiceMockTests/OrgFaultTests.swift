import FlowServiceMock
import Testing

@Suite(
    "Faults a real org shows: permissions, entitlement, bare throttling, IMS throttling, outages",
    .timeLimit(.minutes(2))
)
struct OrgFaultTests {
    static let form = [("Content-Type", "application/x-www-form-urlencoded")]

    static func permissionDenied(_ permission: String) -> ProblemExpectation {
        ProblemExpectation(
            status: 403,
            code: "FLOW-2121-403",
            title: "Forbidden",
            messagePart: "The permission \(permission) is denied on resource Enterprise Source"
        )
    }

    @Test("A forbidden sandbox answers FLOW-2121-403: manage for writes, view for reads; other sandboxes work")
    func forbiddenSandbox() async throws {
        let configuration = MockSession.configuration { $0.faults.forbiddenSandboxes = ["restricted"] }
        try await MockSession.with(configuration) { session in
            session.mock.insertConnection(name: "there", sandbox: "restricted")
            let id = try #require(session.mock.connections(sandbox: "restricted").first?.id)
            try Self.permissionDenied("manage").check(try await session.create("new", sandbox: "restricted"))
            try Self.permissionDenied("view").check(
                try await session.platform(.GET, "/connections", sandbox: "restricted")
            )
            try Self.permissionDenied("view").check(
                try await session.platform(.GET, "/connections/\(id)", sandbox: "restricted")
            )
            try Self.permissionDenied("view").check(
                try await session.platform(.GET, "/connections/\(id)/test", sandbox: "restricted")
            )
            try Self.permissionDenied("manage").check(
                try await session.platform(.DELETE, "/connections/\(id)", sandbox: "restricted")
            )
            var headers = MockSession.platformHeaders(sandbox: "restricted")
            headers += [("Content-Type", "application/json"), ("If-Match", "\"x\"")]
            try Self.permissionDenied("manage").check(
                try await session.platform(.PATCH, "/connections/\(id)", headers: headers, body: "[]")
            )
            #expect(session.mock.connections(sandbox: "restricted").count == 1)
            #expect(try await session.create("fine", sandbox: "prod").status == 201)
            let spec = try await session.platform(.GET, ConnectionSpecTests.specPath, sandbox: "restricted")
            #expect(spec.status == 200)
            #expect(session.mock.stats().count("POST /connections", status: "403") == 1)
            #expect(session.mock.stats().count("GET /connections", status: "403") == 1)
        }
    }

    @Test("A token not entitled to the org answers 403025 'Profile is not valid' on every Platform call")
    func unentitledToken() async throws {
        let configuration = MockSession.configuration { $0.faults.unentitledToken = true }
        try await MockSession.with(configuration) { session in
            let issued = try await TokenTests.issue(session)
            for token in [MockSession.staticToken, issued] {
                for answer in [
                    try await session.platform(
                        .GET,
                        "/connections",
                        headers: MockSession.platformHeaders(token: token)
                    ),
                    try await session.platform(
                        .GET,
                        ConnectionSpecTests.specPath,
                        headers: MockSession.platformHeaders(token: token)
                    ),
                ] {
                    #expect(answer.status == 403)
                    #expect(
                        try answer.object() as? [String: String] == [
                            "error_code": "403025", "message": "Profile is not valid",
                        ]
                    )
                }
            }
            let bad = try await session.platform(
                .GET,
                "/connections",
                headers: MockSession.platformHeaders(token: "forged")
            )
            #expect(bad.status == 401)
            #expect(try await session.create("refused").status == 403)
            #expect(session.mock.connections(sandbox: nil).isEmpty)
        }
    }

    @Test("--throttle-bare: a throttled answer is a 429 without body and without Retry-After")
    func bareThrottle() async throws {
        let clock = ManualMockClock()
        let configuration = MockSession.configuration {
            $0.faults.throttleRPS = 1
            $0.faults.throttleBare = true
            $0.clock = clock
        }
        try await MockSession.with(configuration) { session in
            #expect(try await session.create("first").status == 201)
            let throttled = try await session.create("second")
            #expect(throttled.status == 429)
            #expect(throttled.text.isEmpty)
            #expect(throttled.header("retry-after") == nil)
            #expect(session.mock.connections(sandbox: nil).count == 1)
            clock.advance(by: .seconds(1))
            #expect(try await session.create("third").status == 201)
        }
    }

    @Test("--ims-429-count N: the first N token requests answer 429 with Retry-After (none when bare), then tokens")
    func imsThrottle() async throws {
        for bare in [false, true] {
            let configuration = MockSession.configuration {
                $0.faults.imsThrottleCount = 2
                $0.faults.throttleBare = bare
            }
            try await MockSession.with(configuration) { session in
                for _ in 0..<2 {
                    let answer = try await session.send(
                        .POST,
                        "/ims/token/v3",
                        headers: Self.form,
                        body: TokenTests.goodForm
                    )
                    #expect(answer.status == 429)
                    #expect(answer.text.isEmpty)
                    #expect(answer.header("retry-after") == (bare ? nil : "1"))
                }
                _ = try await TokenTests.issue(session)
                #expect(session.mock.stats().count("POST /ims/token/v3", status: "429") == 2)
                #expect(session.mock.stats().count("POST /ims/token/v3", status: "200") == 1)
            }
        }
    }

    @Test("--outage-at/--outage-for: inside the window every Flow Service and IMS request is dropped, not answered")
    func outage() async throws {
        let clock = ManualMockClock()
        let configuration = MockSession.configuration {
            $0.faults.outageAt = .seconds(10)
            $0.faults.outageFor = .seconds(5)
            $0.clock = clock
        }
        try await MockSession.with(configuration) { session in
            #expect(try await session.create("before").status == 201)
            clock.advance(by: .seconds(10))
            await #expect(throws: (any Error).self) { try await session.create("during") }
            await #expect(throws: (any Error).self) { try await session.platform(.GET, "/connections") }
            await #expect(throws: (any Error).self) {
                try await session.send(.POST, "/ims/token/v3", headers: Self.form, body: TokenTests.goodForm)
            }
            let stats = try await session.send(.GET, "/__mock/stats", headers: [])
            #expect(stats.status == 200)
            #expect(session.mock.stats().count("POST /connections", status: "drop") == 1)
            #expect(session.mock.stats().count("POST /ims/token/v3", status: "drop") == 1)
            #expect(session.mock.connections(sandbox: nil).map(\.name) == ["before"])
            clock.advance(by: .seconds(5))
            #expect(try await session.create("after").status == 201)
            #expect(try await session.platform(.GET, "/connections").status == 200)
        }
    }
}
