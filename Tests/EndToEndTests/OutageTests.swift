import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The mock's clock, moved by the test: its outage window starts and ends when the test says, not
/// after a fixed wait.
final class SteppedMockClock: MockClock {
    private let reading = Mutex(Duration.zero)

    var now: Duration { reading.withLock { $0 } }

    func move(to instant: Duration) { reading.withLock { $0 = max($0, instant) } }
}

/// An outage is the run's: it waits for the service, with the built binary against the mock.
@Suite("Outages, with the built binary", .timeLimit(.minutes(5)))
struct OutageTests {
    private static let outageStart = Duration.seconds(100)

    private static func configure(
        _ clock: SteppedMockClock,
        lasting length: Duration
    ) -> (inout MockConfiguration) -> Void {
        {
            $0.clock = clock
            $0.faults.latency = .milliseconds(4)
            $0.faults.outageAt = outageStart
            $0.faults.outageFor = length
        }
    }

    /// Requests the mock closed without an answer during the outage.
    private static func dropped(_ mock: RunningMock) -> Int {
        mock.stats().requests.values.map { $0["drop"] ?? 0 }.reduce(0, +)
    }

    /// Starts the outage once the run has created `after` connections.
    private static func startOutage(_ harness: MockHarness, _ clock: SteppedMockClock, after: Int) async throws {
        try await waitUntil { harness.mock.stats().connections >= after }
        clock.move(to: outageStart)
    }

    @Test("an outage mid-run is ridden out in one run: probes on a backoff, then every row once, none failed")
    func riddenOut() async throws {
        let clock = SteppedMockClock()
        try await MockHarness.with(Self.configure(clock, lasting: .seconds(20))) { harness in
            let rows = 1_000
            let input = try harness.writeInput(rows: rows)
            let tool = try harness.start(input, ["--concurrency", "4"])
            try await Self.startOutage(harness, clock, after: 50)
            let began = ContinuousClock.now
            // Three failures open the breaker; then one probe at a time (1 s, 2 s, 4 s, ... apart).
            // The outage lasts 20 s of the run's time.
            try await waitUntil { Self.dropped(harness.mock) >= 6 && ContinuousClock.now - began >= .seconds(20) }
            let droppedDuringOutage = Self.dropped(harness.mock)
            clock.move(to: Self.outageStart + .seconds(21))
            let ended = try await tool.wait(timeout: 120)
            #expect(ended.status == 0, "\(ended.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            harness.expectExactlyOnce(results, rows: rows)
            #expect(
                results.allSatisfy { $0["status"] == "created" },
                "\(results.filter { $0["status"] != "created" }.prefix(3))"
            )
            #expect(harness.mock.stats().connections == rows)
            // Held back, not spending rows: far fewer requests were lost than rows were waiting.
            #expect(droppedDuringOutage < 20, "\(droppedDuringOutage) requests dropped while the breaker was open")
        }
    }

    @Test("an outage longer than --outage-limit stops the run (exit 2) with every unsent row not-run, none failed")
    func pastTheLimit() async throws {
        let clock = SteppedMockClock()
        try await MockHarness.with(Self.configure(clock, lasting: .seconds(3600))) { harness in
            let rows = 1_000
            let input = try harness.writeInput(rows: rows)
            let tool = try harness.start(input, ["--concurrency", "4", "--outage-limit", "3s"])
            try await Self.startOutage(harness, clock, after: 50)
            let ended = try await tool.wait(timeout: 120)
            #expect(ended.status == 2, "\(ended.allOutput)")
            #expect(ended.stderr.contains("unreachable"), "\(ended.stderr)")
            #expect(ended.stderr.contains("--outage-limit"), "\(ended.stderr)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.count == rows)
            #expect(!results.contains { $0["status"] == "failed" }, "\(results.filter { $0["status"] == "failed" })")
            let notRun = results.filter { $0["status"] == "not-run" }
            #expect(!notRun.isEmpty)
            #expect(notRun.count + results.filter { $0["status"] == "created" }.count == rows)
            // The service back: the same command finishes, every row once.
            clock.move(to: Self.outageStart + .seconds(3601))
            let again = try await harness.run(input, ["--concurrency", "4"])
            #expect(again.status == 0, "\(again.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: rows)
            #expect(harness.mock.stats().connections == rows)
        }
    }

    @Test("kill -9 during an outage, then the same command once the service is back: every row once")
    func killedDuringTheOutage() async throws {
        let clock = SteppedMockClock()
        try await MockHarness.with(Self.configure(clock, lasting: .seconds(3600))) { harness in
            let rows = 600
            let input = try harness.writeInput(rows: rows)
            let tool = try harness.start(input, ["--concurrency", "8"])
            try await Self.startOutage(harness, clock, after: 50)
            try await waitUntil { Self.dropped(harness.mock) >= 5 }
            tool.send(SIGKILL)
            let killed = try await tool.wait(timeout: 30)
            #expect(killed.status == 128 + SIGKILL)
            clock.move(to: Self.outageStart + .seconds(3601))
            let again = try await harness.run(input, ["--concurrency", "8"])
            #expect(again.status == 0, "\(again.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: rows)
            #expect(harness.mock.stats().connections == rows)
        }
    }
}
