import FlowServiceMock
import Foundation
import Testing

@Suite("The create faults, gateway and sandbox checks apply to every create route", .timeLimit(.minutes(3)))
struct ChainFaultTests {
    static let routes = ["connections", "sourceConnections", "targetConnections", "flows"]

    /// A valid body for each create route, made on a mock without faults.
    static func bodies(_ session: MockSession) async throws -> [String: String] {
        let chain = try await session.createChain("faults")
        return [
            "connections": MockSession.basicBody(name: "faulted"),
            "sourceConnections": MockSession.sourceBody(name: "faulted source", baseConnectionID: chain.base),
            "targetConnections": MockSession.targetBody(name: "faulted target"),
            "flows": MockSession.flowBody(name: "faulted", sourceID: chain.source, targetID: chain.target),
        ]
    }

    static func counts(_ session: MockSession) -> [Int] {
        let stats = session.mock.stats()
        return [stats.connections, stats.sourceConnections, stats.targetConnections, stats.flows]
    }

    @Test("--error-rate 1: every create route answers 500 or 503 and creates nothing")
    func errorRate() async throws {
        try await MockSession.with { session in
            let bodies = try await Self.bodies(session)
            try session.mock.updateFaults { $0.errorRate = 1 }
            for route in Self.routes {
                for _ in 0..<4 {
                    let answer = try await session.platform(.POST, "/" + route, body: bodies[route])
                    #expect([500, 503].contains(answer.status), "\(route): \(answer.status)")
                }
                let stats = session.mock.stats()
                #expect(
                    stats.count("POST /\(route)", status: "500") + stats.count("POST /\(route)", status: "503") == 4
                )
            }
            #expect(Self.counts(session) == [1, 1, 1, 1])
        }
    }

    @Test("--ambiguous-rate 1: every create route creates, then answers 504 or drops the connection")
    func ambiguousRate() async throws {
        try await MockSession.with { session in
            let bodies = try await Self.bodies(session)
            try session.mock.updateFaults { $0.ambiguousRate = 1 }
            for route in Self.routes {
                for _ in 0..<4 {
                    do {
                        let answer = try await session.platform(.POST, "/" + route, body: bodies[route])
                        answer.expectProblem(504, "FLOW-1104-504")
                    } catch {
                        // A dropped connection: the client sees a transport error.
                    }
                }
                let stats = session.mock.stats()
                #expect(
                    stats.count("POST /\(route)", status: "504") + stats.count("POST /\(route)", status: "drop") == 4
                )
            }
            #expect(Self.counts(session) == [5, 5, 5, 5])
        }
    }

    @Test("Every create route checks the gateway's headers, the sandbox's permission and the throttle")
    func gatewayAndSandbox() async throws {
        let clock = ManualMockClock()
        try await MockSession.with(MockSession.configuration { $0.clock = clock }) { session in
            let bodies = try await Self.bodies(session)
            try session.mock.updateFaults { $0.forbiddenSandboxes = ["dev"] }
            for route in Self.routes {
                let noToken =
                    MockSession.platformHeaders().filter { $0.0 != "Authorization" }
                    + [("Content-Type", "application/json")]
                let answer = try await session.platform(.POST, "/" + route, headers: noToken, body: bodies[route])
                #expect(answer.status == 403)
                #expect((try answer.object()["error_code"] as? String) == "403010")
                try await session.platform(.POST, "/" + route, sandbox: "dev", body: bodies[route])
                    .expectProblem(403, "FLOW-2121-403")
                let plain = MockSession.platformHeaders() + [("Content-Type", "text/plain")]
                let wrongType = try await session.platform(.POST, "/" + route, headers: plain, body: bodies[route])
                #expect(wrongType.status == 400)
                #expect((try wrongType.object()["title"] as? String) == "BadRequestError")
            }
            try session.mock.updateFaults { $0.throttleRPS = 1 }
            clock.advance(by: .seconds(1))
            for route in Self.routes {
                clock.advance(by: .seconds(1))
                #expect(try await session.platform(.POST, "/" + route, body: bodies[route]).status == 201)
                let throttled = try await session.platform(.POST, "/" + route, body: bodies[route])
                #expect(throttled.status == 429)
                #expect(throttled.header("retry-after") == "1")
            }
        }
    }
}
