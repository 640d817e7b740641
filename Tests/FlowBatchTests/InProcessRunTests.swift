import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Logging
import Testing

@testable import FlowBatch
@testable import FlowBatchEngine
@testable import FlowBatchIngest
@testable import FlowBatchModel
@testable import FlowBatchReport
@testable import FlowServiceAPI

/// The use cases in process, on a ``ManualClock``, against the in-process mock over loopback: the
/// pass, the dry run, undo and test, the listing and export, each through its one
/// ``FlowServiceSession`` (no binary, no real sleeps: without faults nothing waits on the clock).
@Suite("use cases in process, on a manual clock", .timeLimit(.minutes(2)))
struct InProcessRunTests {
    static var logger: Logger {
        var logger = Logger(label: "test.in-process")
        logger.logLevel = .critical
        return logger
    }

    /// A manual clock that moves to the next sleeper's deadline whenever one sleeps: time stays
    /// virtual (a backoff or a pace takes no real time), and a retry after a failure that a loaded
    /// machine may cause does not wait forever for a test to advance it.
    static func autoAdvancing() -> (ManualClock, Task<Void, Never>) {
        let clock = ManualClock()
        let mover = Task {
            while !Task.isCancelled {
                if let next = clock.deadlines.first { clock.advance(by: clock.now.duration(to: next)) }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        return (clock, mover)
    }

    static func settings(_ mock: RunningMock) -> PlatformSettings {
        PlatformSettings(
            endpoint: mock.flowServiceURL,
            imsURL: mock.baseURL,
            orgID: mock.configuration.orgID,
            apiKey: mock.configuration.clientID,
            authentication: .accessToken(Secret("in-process-token"))
        )
    }

    static func withMock(_ body: (RunningMock, TemporaryDirectory) async throws -> Void) async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        configuration.staticToken = "in-process-token"
        let directory = try TemporaryDirectory()
        try await FlowServiceMock.withRunning(configuration, logger: Self.logger) { try await body($0, directory) }
    }

    static func input(_ directory: TemporaryDirectory, rows: Int) throws -> String {
        var text = "name,host,username,password\n"
        for index in 0..<rows { text += "Row \(index),https://h\(index).example.com,u\(index),pw-\(index)-S3CRET\n" }
        return try directory.write("in.csv", text)
    }

    static func configuration(
        _ mock: RunningMock,
        _ directory: TemporaryDirectory,
        rows: Int
    ) throws
        -> RunConfiguration
    {
        var configuration = RunConfiguration(
            input: InputFile(path: try input(directory, rows: rows)),
            resultsPath: directory.file("in.results.csv"),
            platform: settings(mock)
        )
        configuration.journalKeyPath = directory.file("journal.key")
        return configuration
    }

    /// One run of `configuration` to its end.
    static func pass(_ configuration: RunConfiguration, clock: ManualClock) async throws -> RunSummary {
        try await BatchRun(
            configuration: configuration,
            clock: clock,
            stop: StopSignal(),
            logger: Self.logger,
            notify: { _ in }
        ).run()
    }

    @Test("the pass creates every row once, skips what exists, and a second pass sends nothing")
    func passCreatesOnce() async throws {
        try await Self.withMock { mock, directory in
            let (clock, mover) = Self.autoAdvancing()
            defer { mover.cancel() }
            let taken = mock.insertConnection(name: "Row 3")
            let configuration = try Self.configuration(mock, directory, rows: 12)
            let first = try await Self.pass(configuration, clock: clock)
            #expect(first.count(.created) == 11)
            #expect(first.count(.exists) == 1)
            #expect(first.exitCode == 0)
            #expect(mock.stats().total("POST /connections") == 11)
            let results = SimpleCSV.records(try directory.read("in.results.csv"))
            #expect(results.first { $0["name"] == "Row 3" }?["connection_id"] == taken.id)
            let second = try await Self.pass(configuration, clock: clock)
            #expect(second.earlier[.created] == 11)
            #expect(mock.stats().total("POST /connections") == 11)
            #expect(mock.stats().duplicateNames.isEmpty)
        }
    }

    @Test("the dry run plans creates and existing names and sends nothing that writes")
    func dryRunSendsNothing() async throws {
        try await Self.withMock { mock, directory in
            mock.insertConnection(name: "Row 1")
            let configuration = try Self.configuration(mock, directory, rows: 4)
            var lines: [String] = []
            let summary = try await FlowServiceSession.with(
                .init(platform: Self.settings(mock)),
                clock: ContinuousClock(),
                stop: StopSignal(),
                logger: Self.logger
            ) { session in
                try await DryRunPlan(configuration: configuration, session: session).run(
                    print: { lines.append($0) },
                    notify: { _ in }
                )
            }
            #expect(summary.count(.created) == 3)
            #expect(summary.count(.exists) == 1)
            #expect(mock.stats().total("POST /connections") == 0)
            #expect(!lines.joined().contains("pw-0-S3CRET"))
            #expect(!FileManager.default.fileExists(atPath: directory.file("in.results.csv")))
        }
    }

    @Test("undo deletes what the pass created and test tests the rest, each through its own session")
    func undoAndTest() async throws {
        try await Self.withMock { mock, directory in
            let (clock, mover) = Self.autoAdvancing()
            defer { mover.cancel() }
            mock.insertConnection(name: "Row 0")
            let configuration = try Self.configuration(mock, directory, rows: 5)
            _ = try await Self.pass(configuration, clock: clock)
            func operate(
                _ operation: ConnectionsRun<ManualClock>.Operation,
                _ suffix: String
            ) async throws
                -> ConnectionsRun<ManualClock>.Summary
            {
                let plan = try ConnectionsRun<ManualClock>.plan(operation, resultsPath: configuration.resultsPath)
                return try await ConnectionsRun(
                    operation,
                    resultsPath: configuration.resultsPath,
                    outputPath: directory.file("in.results.\(suffix).csv"),
                    session: {
                        var session = FlowServiceSession<ManualClock>.Configuration(platform: Self.settings(mock))
                        session.concurrency = 4
                        session.timeout = .seconds(10)
                        return session
                    }(),
                    clock: clock,
                    stop: StopSignal(),
                    logger: Self.logger
                ).run(plan)
            }
            let tested = try await operate(.test, "test")
            // The seeded "Row 0" has the mock's host under .invalid, which its test answers false.
            #expect(tested.passed == 4)
            #expect(tested.testFailed == 1)
            let undone = try await operate(.delete, "undo")
            #expect(undone.deleted == 4)
            #expect(mock.connections(sandbox: "prod").map(\.name) == ["Row 0"])
        }
    }

    @Test("the listing reads every connection of a big sandbox and export writes every connection, guarded")
    func listingAndExport() async throws {
        try await Self.withMock { mock, directory in
            let (clock, mover) = Self.autoAdvancing()
            defer { mover.cancel() }
            for index in 0..<2_345 { mock.insertConnection(name: index == 7 ? "=SUM(A1)" : "Existing \(index)") }
            let existing = try await FlowServiceSession.with(
                .init(platform: Self.settings(mock)),
                clock: clock,
                stop: StopSignal(),
                logger: Self.logger
            ) { session in
                try await ExistingConnectionsListing(
                    client: session.client,
                    retrier: session.retrier(.read),
                    logger: Self.logger
                ).list(sandboxes: ["prod"])
            }
            #expect(existing.count == 2_345)
            // Pages of 1,000: at least the three pages (a loaded machine may retry one; the request counts
            // are the end-to-end tests' to check).
            #expect(mock.stats().count("GET /connections", status: "200") >= 3)
            let target = try OutputTarget.resolve(directory.file("export.csv"), role: "--out")
            let summary = try await FlowServiceSession.with(
                .init(platform: Self.settings(mock)),
                clock: ContinuousClock(),
                stop: StopSignal(),
                logger: Self.logger
            ) { session in
                try await ConnectionExport(session: session, sandboxes: ["prod"]).run(into: target)
            }
            #expect(summary.written.first?.count == 2_345)
            let rows = SimpleCSV.records(try directory.read("export.csv"))
            #expect(rows.count == 2_345)
            #expect(rows.contains { $0["name"] == "'=SUM(A1)" })
        }
    }
}
