import FlowServiceMock
import Synchronization
import Testing

@Suite("Configuration and option parsing", .timeLimit(.minutes(3)))
struct ConfigurationTests {
    static let durations: [(String, Duration)] = [
        ("20ms", .milliseconds(20)), ("1.5s", .milliseconds(1_500)), ("2m", .seconds(120)), ("24h", .seconds(86_400)),
        ("0", .zero), ("250us", .microseconds(250)), (" 3s ", .seconds(3)), ("0.25h", .seconds(900)),
    ]

    @Test("Durations are a number and a unit", arguments: Self.durations)
    func parsesDurations(_ text: String, _ expected: Duration) throws {
        #expect(try MockDuration.parse(text) == expected)
    }

    @Test("Malformed durations are refused", arguments: ["", "ms", "5", "-1s", "1.2.3s", "10x", "1 s", "s5"])
    func refusesDurations(_ text: String) {
        #expect(throws: MockConfigurationError.self) { try MockDuration.parse(text, option: "latency") }
    }

    @Test("Formatting picks the largest whole unit")
    func formatsDurations() {
        #expect(MockDuration.format(.seconds(86_400)) == "24h")
        #expect(MockDuration.format(.milliseconds(1_500)) == "1500ms")
        #expect(MockDuration.format(.seconds(120)) == "2m")
        #expect(MockDuration.format(.zero) == "0ms")
    }

    @Test("Answer faults are written KIND=SHARE")
    func parsesAnswerFaults() throws {
        let parsed = try AnswerFault.parseShare("html-502=0.1")
        #expect(parsed.kind == .html502)
        #expect(parsed.share == 0.1)
        for kind in AnswerFault.allCases {
            #expect(try AnswerFault.parseShare("\(kind.rawValue)=1").kind == kind)
        }
        #expect(throws: MockConfigurationError(.invalidAnswerFault, option: "answer-fault", value: "nope=0.1")) {
            try AnswerFault.parseShare("nope=0.1")
        }
        #expect(throws: MockConfigurationError.self) { try AnswerFault.parseShare("html-502") }
        #expect(throws: MockConfigurationError(.outOfRange, option: "answer-fault", value: "html-502=2")) {
            try AnswerFault.parseShare("html-502=2")
        }
    }

    @Test("The defaults are the documented ones, every fault off")
    func defaults() throws {
        let configuration = MockConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.clientID == "flowbatch-demo")
        #expect(configuration.clientSecret == "flowbatch-demo-secret")
        #expect(configuration.orgID == "DEMO0000000000000000@AdobeOrg")
        #expect(configuration.staticToken == nil)
        #expect(configuration.sandboxes == ["prod", "dev"])
        #expect(configuration.tokenLifetime == .seconds(86_400))
        #expect(configuration.faults == MockFaults())
        #expect(configuration.faults.latency == .zero)
        #expect(configuration.faults.throttleRPS == nil)
        #expect(configuration.faults.errorRate == 0)
        #expect(configuration.faults.ambiguousRate == 0)
        #expect(configuration.faults.answerFaults.isEmpty)
        #expect(configuration.faults.hugeBodyBytes == 8 << 20)
        try configuration.validate()
    }

    @Test("Invalid values are refused with the option named")
    func validation() {
        var shares = MockConfiguration()
        shares.faults.errorRate = 0.6
        shares.faults.ambiguousRate = 0.3
        shares.faults.answerFaults = [.empty201: 0.2]
        #expect(throws: MockConfigurationError.self) { try shares.validate() }
        #expect((try? shares.validate()) == nil)

        var throttle = MockConfiguration()
        throttle.faults.throttleRPS = 0
        #expect(throws: MockConfigurationError(.outOfRange, option: "throttle-rps", value: "0")) {
            try throttle.validate()
        }

        var port = MockConfiguration()
        port.port = 70_000
        #expect(throws: MockConfigurationError(.outOfRange, option: "port", value: "70000")) { try port.validate() }

        var sandboxes = MockConfiguration()
        sandboxes.sandboxes = []
        #expect(throws: MockConfigurationError.self) { try sandboxes.validate() }
        #expect(
            MockConfigurationError(.sharesExceedOne, option: "error-rate", value: "1.1").description
                == "The fault shares of POST /connections add up to 1.1, more than 1."
        )
    }

    @Test("Starting with an invalid configuration throws before listening")
    func startRefusesInvalidConfiguration() async {
        var configuration = MockConfiguration()
        configuration.port = 0
        configuration.faults.errorRate = 1.5
        await #expect(throws: MockConfigurationError.self) {
            try await FlowServiceMock.start(configuration, logger: MockSession.silentLogger)
        }
    }

    @Test("Starting on a port that is taken throws instead of hanging")
    func startOnTakenPort() async throws {
        try await MockSession.with { session in
            var configuration = MockConfiguration()
            configuration.port = session.mock.port
            await #expect(throws: (any Error).self) {
                let second = try await FlowServiceMock.start(configuration, logger: MockSession.silentLogger)
                await second.stop()
            }
        }
    }

    @Test("Port 0 binds a free port; the URLs carry it; stop is idempotent")
    func portZeroAndStop() async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        let mock = try await FlowServiceMock.start(configuration, logger: MockSession.silentLogger)
        #expect(mock.port > 0)
        #expect(mock.baseURL == "http://127.0.0.1:\(mock.port)")
        #expect(mock.flowServiceURL == "http://127.0.0.1:\(mock.port)/data/foundation/flowservice")
        await mock.stop()
        await mock.stop()
    }

    @Test("withRunning stops the mock when the body throws")
    func withRunningStopsOnError() async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        let port = Mutex(0)
        await #expect(throws: TestFailure.self) {
            try await FlowServiceMock.withRunning(configuration, logger: MockSession.silentLogger) { mock in
                port.withLock { $0 = mock.port }
                throw TestFailure("body failed")
            }
        }
        var again = MockConfiguration()
        again.port = port.withLock { $0 }
        let restarted = try await FlowServiceMock.start(again, logger: MockSession.silentLogger)
        await restarted.stop()
    }
}
