import AsyncHTTPClient
import FlowServiceMock
import Foundation
import Testing

@Suite("Hostile answers to POST /connections", .timeLimit(.minutes(3)))
struct HostileAnswerTests {
    static func withFault<T: Sendable>(
        _ kind: AnswerFault,
        hugeBodyBytes: Int = MockFaults().hugeBodyBytes,
        trickleInterval: Duration = MockFaults().trickleInterval,
        _ body: (MockSession) async throws -> T
    ) async throws -> T {
        let configuration = MockSession.configuration {
            $0.faults.answerFaults = [kind: 1]
            $0.faults.seed = 3
            $0.faults.hugeBodyBytes = hugeBodyBytes
            $0.faults.trickleInterval = trickleInterval
        }
        return try await MockSession.with(configuration, body)
    }

    @Test("Each kind creates exactly when it says it does", arguments: AnswerFault.allCases)
    func createsAsDocumented(_ kind: AnswerFault) async throws {
        try await Self.withFault(kind, hugeBodyBytes: 4_096, trickleInterval: .milliseconds(1)) { session in
            let answer = try await session.create("hostile \(kind.rawValue)")
            #expect(answer.requestID != nil)
            #expect(session.mock.connections(sandbox: "prod").count == (kind.creates ? 1 : 0))
            #expect(kind.creates == (kind != .html502 && kind != .echo400))
        }
    }

    @Test("malformed-json: 201, application/json, a body cut in the middle")
    func malformedJSON() async throws {
        try await Self.withFault(.malformedJSON) { session in
            let answer = try await session.create("cut")
            #expect(answer.status == 201)
            #expect(answer.header("content-type") == "application/json")
            #expect(answer.text.hasPrefix("{\""))
            #expect(throws: (any Error).self) { try answer.object() }
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            #expect(answer.header("location")?.hasSuffix(stored.id) == true)
        }
    }

    @Test("html-502: a text/html proxy error page, nothing created")
    func html502() async throws {
        try await Self.withFault(.html502) { session in
            let answer = try await session.create("proxied")
            #expect(answer.status == 502)
            #expect(answer.header("content-type") == "text/html")
            #expect(answer.text.contains("<h1>502 Bad Gateway</h1>"))
            #expect(session.mock.stats().connections == 0)
            #expect(session.mock.stats().count("POST /connections", status: "502") == 1)
        }
    }

    @Test("empty-201: 201 with an empty body, created")
    func empty201() async throws {
        try await Self.withFault(.empty201) { session in
            let answer = try await session.create("empty")
            #expect(answer.status == 201)
            #expect(answer.data.count == 0)
            #expect(session.mock.stats().connections == 1)
        }
    }

    @Test("no-id-201: 201 with only an etag, created")
    func noID201() async throws {
        try await Self.withFault(.noID201) { session in
            let answer = try await session.create("anonymous")
            #expect(answer.status == 201)
            let body = try answer.object()
            #expect(body.keys.sorted() == ["etag"])
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            #expect(body["etag"] as? String == stored.etag)
        }
    }

    @Test("huge-body: 201 whose JSON holds the id and is exactly 8 MiB by default")
    func hugeBody() async throws {
        try await Self.withFault(.hugeBody) { session in
            let answer = try await session.platform(
                .POST,
                "/connections",
                body: MockSession.basicBody(name: "big"),
                maximumBodyBytes: 16 << 20
            )
            #expect(answer.status == 201)
            #expect(answer.data.count == 8 << 20)
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            let body = try answer.object()
            #expect(body["id"] as? String == stored.id)
            #expect((body["padding"] as? String)?.count ?? 0 > 8_000_000)
        }
    }

    @Test("huge-body honours a configured size")
    func hugeBodySize() async throws {
        try await Self.withFault(.hugeBody, hugeBodyBytes: 10_000) { session in
            let answer = try await session.create("sized")
            #expect(answer.data.count == 10_000)
            #expect(try answer.object()["id"] is String)
        }
    }

    @Test("slow-trickle: the normal body, a byte at a time with pauses between")
    func slowTrickle() async throws {
        try await Self.withFault(.slowTrickle, trickleInterval: .milliseconds(5)) { session in
            let clock = ContinuousClock()
            let start = clock.now
            let answer = try await session.create("trickled")
            let elapsed = clock.now - start
            #expect(answer.status == 201)
            let stored = try #require(session.mock.connections(sandbox: "prod").first)
            #expect(try answer.object()["id"] as? String == stored.id)
            #expect(elapsed >= .milliseconds(5) * (answer.data.count - 1))
        }
    }

    @Test("slow-trickle makes a client's read timeout fire; the connection exists anyway")
    func slowTrickleTimesOut() async throws {
        let impatient = MockSession.makeClient(readTimeout: .milliseconds(50))
        try await Self.withFault(.slowTrickle) { session in
            await #expect(throws: HTTPClientError.readTimeout) {
                _ = try await MockSession.send(
                    .POST,
                    url: session.mock.flowServiceURL + "/connections",
                    headers: MockSession.platformHeaders() + [("Content-Type", "application/json")],
                    body: MockSession.basicBody(name: "impatient"),
                    client: impatient
                )
            }
            await session.mock.stop()
            #expect(session.mock.stats().connections == 1)
        }
        try await impatient.shutdown()
    }

    @Test("echo-400: a Flow Service 400 whose message repeats the Authorization header and the body; nothing created")
    func echo400() async throws {
        try await Self.withFault(.echo400) { session in
            let answer = try await session.create("echoed")
            #expect(answer.status == 400)
            let body = try answer.object()
            #expect((body["type"] as? String)?.hasSuffix("MOCK-4009-400") == true)
            let message = try #require(body["errorMessage"] as? String)
            #expect(message.contains("Bearer \(MockSession.staticToken)"))
            #expect(message.contains("p4ssw0rd"))
            #expect(message.contains("\"echoed\""))
            #expect(session.mock.stats().connections == 0)
        }
    }

    @Test("wrong-content-type: 201, text/plain, body 'Created', created")
    func wrongContentType() async throws {
        try await Self.withFault(.wrongContentType) { session in
            let answer = try await session.create("plain")
            #expect(answer.status == 201)
            #expect(answer.header("content-type") == "text/plain")
            #expect(answer.text == "Created")
            #expect(session.mock.stats().connections == 1)
        }
    }

    @Test("Hostile answers take the configured share of creates")
    func sharesAsConfigured() async throws {
        try await MockSession.with(
            MockSession.configuration {
                $0.faults.answerFaults = [.empty201: 0.25, .wrongContentType: 0.25]
                $0.faults.seed = 11
            }
        ) { session in
            let answers = try await FaultInjectionTests.createMany(session, count: 1_000).compactMap { $0 }
            #expect(answers.count == 1_000)
            #expect(answers.allSatisfy { $0.status == 201 })
            let empty = Double(answers.filter { $0.data.count == 0 }.count) / 1_000
            let plain = Double(answers.filter { $0.text == "Created" }.count) / 1_000
            #expect(abs(empty - 0.25) < 0.04)
            #expect(abs(plain - 0.25) < 0.04)
            #expect(session.mock.stats().connections == 1_000)
        }
    }
}
