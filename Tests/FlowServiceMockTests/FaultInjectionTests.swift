import AsyncHTTPClient
import FlowServiceMock
import Testing

@Suite("Fault injection", .timeLimit(.minutes(3)))
struct FaultInjectionTests {
    /// Sends `count` creates, at most 8 at a time; returns each answer, `nil` for a dropped connection.
    static func createMany(_ session: MockSession, count: Int, prefix: String = "fault") async throws -> [MockAnswer?] {
        try await withThrowingTaskGroup(of: MockAnswer?.self) { group in
            var answers: [MockAnswer?] = []
            var next = 0
            func add() {
                let name = "\(prefix) \(next)"
                group.addTask {
                    do {
                        return try await session.create(name)
                    } catch let error as HTTPClientError where error == .remoteConnectionClosed {
                        return nil
                    }
                }
                next += 1
            }
            while next < min(8, count) { add() }
            while let answer = try await group.next() {
                answers.append(answer)
                if next < count { add() }
            }
            return answers
        }
    }

    /// The status of each answer, 0 for a dropped connection.
    static func statuses(_ session: MockSession, count: Int) async throws -> [Int] {
        try await Self.createMany(session, count: count).map { $0?.status ?? 0 }
    }

    static func share(_ statuses: [Int], _ matching: Set<Int>) -> Double {
        Double(statuses.filter(matching.contains).count) / Double(statuses.count)
    }

    @Test("--error-rate answers that share of creates 500 or 503 and creates none of them")
    func errorRate() async throws {
        try await MockSession.with(
            MockSession.configuration {
                $0.faults.errorRate = 0.3
                $0.faults.seed = 42
            }
        ) { session in
            let statuses = try await Self.statuses(session, count: 1_000)
            #expect(abs(Self.share(statuses, [500, 503]) - 0.3) < 0.04)
            #expect(Self.share(statuses, [500]) > 0.1)
            #expect(Self.share(statuses, [503]) > 0.1)
            #expect(Set(statuses).isSubset(of: [201, 500, 503]))
            let created = statuses.filter { $0 == 201 }.count
            #expect(session.mock.stats().connections == created)
            #expect(
                session.mock.stats().count("POST /connections", status: "500") == statuses.filter { $0 == 500 }.count
            )

            try session.mock.updateFaults { $0.errorRate = 1 }
            let internalError = try await session.create("always fails")
            let problem = try internalError.object()
            #expect([500, 503].contains(internalError.status))
            let expectedType = internalError.status == 500 ? "FLOW-1102-500" : "FLOW-1103-503"
            #expect(problem["type"] as? String == "https://ns.adobe.com/aep/errors/\(expectedType)")
            #expect((problem["report"] as? [String: String])?["request-id"] == internalError.requestID)
        }
    }

    @Test("--ambiguous-rate creates, then answers 504 or drops the connection; every attempt exists afterwards")
    func ambiguousRate() async throws {
        try await MockSession.with(
            MockSession.configuration {
                $0.faults.ambiguousRate = 0.2
                $0.faults.seed = 7
            }
        ) { session in
            let statuses = try await Self.statuses(session, count: 1_000)
            #expect(abs(Self.share(statuses, [504, 0]) - 0.2) < 0.04)
            #expect(Self.share(statuses, [504]) > 0.05)
            #expect(Self.share(statuses, [0]) > 0.05)
            #expect(Set(statuses).isSubset(of: [201, 504, 0]))
            let stats = session.mock.stats()
            #expect(stats.connections == 1_000)
            #expect(session.mock.connections(sandbox: "prod").count == 1_000)
            #expect(stats.count("POST /connections", status: "drop") == statuses.filter { $0 == 0 }.count)
            #expect(stats.count("POST /connections", status: "504") == statuses.filter { $0 == 504 }.count)
            #expect(stats.total("POST /connections") == 1_000)
        }
    }

    @Test("A 504 from --ambiguous-rate carries FLOW-1104-504 and the connection exists")
    func gatewayTimeoutBody() async throws {
        try await MockSession.with(
            MockSession.configuration {
                $0.faults.ambiguousRate = 1
                $0.faults.seed = 1
            }
        ) { session in
            var timeout: MockAnswer?
            for index in 0..<20 where timeout == nil {
                do {
                    let answer = try await session.create("ambiguous \(index)")
                    if answer.status == 504 { timeout = answer }
                } catch let error as HTTPClientError where error == .remoteConnectionClosed {
                    continue
                }
            }
            let answer = try #require(timeout)
            try ProblemExpectation(
                status: 504,
                code: "FLOW-1104-504",
                title: "Gateway Timeout",
                messagePart: "try again"
            )
            .check(answer)
            #expect(session.mock.connections(sandbox: "prod").count == session.mock.stats().total("POST /connections"))
        }
    }

    @Test("The same seed gives the same faults for the same sequence of requests")
    func seedRepeats() async throws {
        func run(seed: UInt64) async throws -> [Int] {
            try await MockSession.with(
                MockSession.configuration {
                    $0.faults.errorRate = 0.2
                    $0.faults.ambiguousRate = 0.1
                    $0.faults.answerFaults = [.html502: 0.1]
                    $0.faults.seed = seed
                }
            ) { session in
                var statuses: [Int] = []
                for index in 0..<200 {
                    do {
                        statuses.append(try await session.create("seeded \(index)").status)
                    } catch let error as HTTPClientError where error == .remoteConnectionClosed {
                        statuses.append(0)
                    }
                }
                return statuses
            }
        }
        let first = try await run(seed: 2_024)
        #expect(try await run(seed: 2_024) == first)
        #expect(try await run(seed: 2_025) != first)
        #expect(Set(first) == [201, 500, 503, 504, 0, 502])
    }

    @Test("--throttle-rps answers 429 429050 with Retry-After once a second's share is used, for all Platform calls")
    func throttle() async throws {
        let clock = ManualMockClock()
        try await MockSession.with(
            MockSession.configuration {
                $0.faults.throttleRPS = 5
                $0.clock = clock
            }
        ) { session in
            for index in 0..<3 {
                #expect(try await session.create("throttled \(index)").status == 201)
            }
            #expect(try await session.platform(.GET, "/connections").status == 200)
            #expect(try await session.platform(.GET, "/connections/unknown").status == 404)
            for _ in 0..<3 {
                let answer = try await session.create("over the limit")
                #expect(answer.status == 429)
                #expect(answer.header("retry-after") == "1")
                #expect(
                    try answer.object() as? [String: String] == [
                        "error_code": "429050", "message": "Too many requests",
                    ]
                )
                #expect(answer.requestID != nil)
            }
            #expect(try await session.platform(.GET, "/connections").status == 429)
            #expect(session.mock.stats().connections == 3)
            #expect(session.mock.stats().count("POST /connections", status: "429") == 3)
            clock.advance(by: .seconds(1))
            #expect(try await session.create("next second").status == 201)
        }
    }

    @Test("--latency delays every Platform and token answer by at least that long")
    func latency() async throws {
        try await MockSession.with(MockSession.configuration { $0.faults.latency = .milliseconds(60) }) { session in
            let clock = ContinuousClock()
            let start = clock.now
            let answer = try await session.create("slow")
            #expect(clock.now - start >= .milliseconds(60))
            #expect(answer.status == 201)
            let tokenStart = clock.now
            _ = try await session.send(.POST, "/ims/token/v3", headers: [], body: "grant_type=x")
            #expect(clock.now - tokenStart >= .milliseconds(60))
        }
    }

    @Test("Faults changed at runtime take effect; invalid ones are refused and change nothing")
    func updateFaults() async throws {
        try await MockSession.with { session in
            #expect(try await session.create("before").status == 201)
            try session.mock.updateFaults { $0.answerFaults = [.html502: 1] }
            #expect(try await session.create("during").status == 502)
            #expect(throws: MockConfigurationError.self) {
                try session.mock.updateFaults { $0.errorRate = 2 }
            }
            #expect(session.mock.faults.errorRate == 0)
            try session.mock.updateFaults { $0 = MockFaults() }
            #expect(try await session.create("after").status == 201)
        }
    }
}
