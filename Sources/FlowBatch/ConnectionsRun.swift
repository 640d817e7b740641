import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One operation on each connection a results file lists: `flowbatch undo` deletes the connections
/// runs recorded as `created` (never `exists` or `updated`: those were not flowbatch's to delete);
/// `flowbatch test` tests every connection the file lists (`GET /connections/{id}/test`).
///
/// Both go through one window (at most `concurrency` requests in flight), one retry loop (backoff,
/// `Retry-After` pausing every worker, a stop), write one result per row and resume from their own
/// journal: a connection an earlier undo deleted, or an earlier test tested, is not asked again.
public final class ConnectionsRun<C: Clock>: Sendable where C.Duration == Duration {
    /// What is done to each connection.
    public enum Operation: String, Sendable {
        /// `DELETE /connections/{id}`, for rows a run created.
        case delete
        /// `GET /connections/{id}/test`, for every row with a connection.
        case test

        /// The statuses whose rows the operation applies to.
        var statuses: Set<String> {
            switch self {
            case .delete: [RowStatus.created.rawValue]
            case .test: Set([RowStatus.created, .exists, .updated, .unchanged].map(\.rawValue))
            }
        }
    }

    /// One connection the operation applies to.
    public struct Target: Sendable, Equatable {
        public var row: Int
        public var name: String
        public var sandbox: String
        public var connectionID: String
        /// The etag the results file gives: a test is reused only for the connection as it was tested.
        public var etag: String
        /// The index of its line among the results file's rows.
        public var line: Int
    }

    /// What the operation would touch, read from a results file.
    public struct Plan: Sendable {
        public var targets: [Target]
        /// Rows the results file lists as `exists`: never deleted.
        public var existing: Int
        /// The results file's header and rows, as they are (`test` writes them again with its answer).
        public var header: [String]
        public var lines: [[String]]
        public var rows: Int { lines.count }
        public var sandboxes: [String] { Array(Set(targets.map(\.sandbox))).sorted() }
    }

    public let operation: Operation
    public let resultsPath: String
    /// Where the operation's own results go (`<results>.undo.csv`, `<results>.test.csv`).
    public let outputPath: String
    public let settings: PlatformSettings
    public let concurrency: Int
    public let policy: RetryPolicy
    public let timeout: Duration
    /// Proxies and trusted certificate authorities.
    public let network: NetworkSettings
    let clock: C
    let stop: StopSignal
    let logger: Logger
    /// What the progress line reads: each connection's outcome counted as it lands (see
    /// ``progressLine``).
    public let statistics: RunStatistics

    public init(
        _ operation: Operation,
        resultsPath: String,
        outputPath: String,
        settings: PlatformSettings,
        concurrency: Int,
        policy: RetryPolicy,
        timeout: Duration,
        network: NetworkSettings = NetworkSettings(),
        clock: C,
        stop: StopSignal,
        statistics: RunStatistics = RunStatistics(),
        logger: Logger
    ) {
        self.statistics = statistics
        self.operation = operation
        self.resultsPath = resultsPath
        self.outputPath = outputPath
        self.settings = settings
        self.concurrency = concurrency
        self.policy = policy
        self.timeout = timeout
        self.network = network
        self.clock = clock
        self.stop = stop
        self.logger = logger
    }

    /// Reads the results file: the rows `operation` applies to.
    public static func plan(_ operation: Operation, resultsPath: String) throws -> Plan {
        var cursor = try CSVReader(path: resultsPath).makeCursor()
        guard let header = try cursor.next(), header.problem == nil else {
            throw InputError(.empty, path: resultsPath)
        }
        func column(_ name: String) throws -> Int {
            guard let index = header.fields.firstIndex(of: name) else {
                throw ConfigurationError("\(resultsPath) is not a flowbatch results file: it has no '\(name)' column")
            }
            return index
        }
        let rowColumn = try column("row")
        let nameColumn = try column("name")
        let sandboxColumn = try column("sandbox")
        let statusColumn = try column("status")
        let idColumn = try column("connection_id")
        let etagColumn = header.fields.firstIndex(of: "etag")
        var plan = Plan(targets: [], existing: 0, header: header.fields, lines: [])
        // A row an update run rewrote (`updated`, `unchanged`, or failed with its ID) may be one a run
        // created: the run's journal says so, and undo deletes it too.
        let journal = operation == .delete ? (try? ResumeState.load(path: resultsPath + ".journal")) ?? nil : nil
        while let record = try cursor.next() {
            guard record.problem == nil, record.fields.count > idColumn else { continue }
            let fields = record.fields
            plan.lines.append(fields)
            if fields[statusColumn] == RowStatus.exists.rawValue { plan.existing += 1 }
            let id = fields[idColumn]
            let createdByARun =
                journal?.entry(sandbox: fields[sandboxColumn], name: fields[nameColumn])?.done.map {
                    $0.status == .created && $0.connectionID == id
                } ?? false
            guard operation.statuses.contains(fields[statusColumn]) || createdByARun, !id.isEmpty else { continue }
            plan.targets.append(
                Target(
                    row: Int(fields[rowColumn]) ?? record.row,
                    name: fields[nameColumn],
                    sandbox: fields[sandboxColumn],
                    connectionID: fields[idColumn],
                    etag: etagColumn.map { fields.count > $0 ? fields[$0] : "" } ?? "",
                    line: plan.lines.count - 1
                )
            )
        }
        return plan
    }

    /// The counts at the end.
    public struct Summary: Sendable, Equatable {
        /// Deleted now, or by an earlier undo; tests that passed.
        public var deleted = 0
        public var alreadyGone = 0
        public var passed = 0
        /// Tests the service answered `false`.
        public var testFailed = 0
        /// Connections the request failed for (deleted or tested, nothing is known).
        public var failed = 0
        public var notRun = 0
        /// Of ``deleted``, ``passed`` and ``testFailed``: those an earlier run of the same command settled.
        public var deletedEarlier = 0
        public var passedEarlier = 0
        public var testFailedEarlier = 0
        /// Deleted by this undo's own requests, the 404s apart.
        public var deletedNow: Int { deleted - deletedEarlier }
        public var outputPath: String
        public var stoppedBecause: String?
        public var exitCode: Int32 = 0

        /// `total`, or "N now, M earlier" when an earlier run settled `earlier` of them, as `run` says it.
        public static func count(_ total: Int, earlier: Int) -> String {
            earlier > 0 ? "\(total - earlier) now, \(earlier) earlier" : String(total)
        }
    }

    /// What happened to one target.
    enum Outcome: Sendable {
        case deleted(alreadyGone: Bool, earlier: Bool)
        case tested(Bool, earlier: Bool)
        case failed(RunError)
        case notRun

        /// How the progress counts it: done well (`created`), a test that said false (`invalid`),
        /// a request that failed, or not run.
        var progressStatus: RowStatus {
            switch self {
            case .deleted, .tested(true, _): .created
            case .tested(false, _): .invalid
            case .failed: .failed
            case .notRun: .notRun
            }
        }
    }

    /// The progress line of `operation`: how many connections are done, and how they went.
    public static func progressLine(_ operation: Operation) -> ProgressReporter.Line {
        { snapshot, rate, width in
            let total = snapshot.total ?? 0
            var parts = ["\(operation == .delete ? "deleted" : "tested") \(snapshot.done)/\(total)"]
            if operation == .test {
                parts.append("passed \(snapshot.count(.created))")
                parts.append("failed \(snapshot.count(.invalid))")
            }
            if snapshot.count(.failed) > 0 {
                parts.append("could not \(operation == .delete ? "delete" : "test") \(snapshot.count(.failed))")
            }
            if let rate, rate > 0 {
                parts.append("\(Int(rate.rounded())) connections/s")
                if total > snapshot.done {
                    parts.append("ETA \(ProgressReporter.clock(Double(total - snapshot.done) / rate))")
                }
            }
            let line = parts.joined(separator: " · ")
            return width == .max ? line : ProgressReporter.fitted(line, to: width + 1)
        }
    }

    /// Applies the operation to the plan's connections; returns when done or stopped.
    public func run(_ plan: Plan) async throws -> Summary {
        let journalPath = outputPath + ".journal"
        // Before anything is sent: outputs that would overwrite the results file, each other, or a file
        // flowbatch did not write, or that cannot be written.
        let output = try OutputTarget.resolve(outputPath, role: "the \(operation.rawValue) results", special: false)
        try OutputPaths.check(
            [
                .init(output, replacesOnlyOwnFiles: true),
                .init(
                    try OutputTarget.resolve(journalPath, role: "the \(operation.rawValue) journal", special: false),
                    isJournal: true
                ),
            ],
            input: resultsPath
        )
        var configuration = FlowServiceSession<C>.Configuration(platform: settings)
        configuration.network = network
        configuration.timeout = timeout
        configuration.concurrency = concurrency
        configuration.retry = policy
        let session = FlowServiceSession(
            configuration,
            clock: clock,
            stop: stop,
            statistics: statistics,
            logger: logger
        )
        let client = session.client
        let retrier = session.retrier(.bulk)
        let window = session.window
        // The first token before any file: credentials IMS refuses leave no journal behind.
        let (earlier, journal, runJournal) = try await ConfigurationError.beforeSending(
            startingTokenOf: session
        ) {
            let earlier = try Self.doneEarlier(journalPath: journalPath)
            let journal = try JournalWriter(path: journalPath)
            // Undo tells the run's journal what was deleted, so that running again creates it anew;
            // a results file without its journal is undone all the same, and no journal is made up.
            let runJournalPath = resultsPath + ".journal"
            let runJournal =
                operation == .delete && access(runJournalPath, F_OK) == 0
                ? try JournalWriter(path: runJournalPath) : nil
            return (earlier, journal, runJournal)
        }
        var outcomes = [Outcome?](repeating: nil, count: plan.targets.count)
        statistics.setTotal(plan.targets.count)
        func landed(_ index: Int, _ outcome: Outcome) {
            outcomes[index] = outcome
            statistics.record(outcome.progressStatus)
        }
        var targets = plan.targets.enumerated().makeIterator()
        let executor = WindowedExecutor(concurrency: window, stop: stop, batchSize: 64)
        _ = try await executor.run(
            next: { () -> (Int, Target)? in
                while let (index, target) = targets.next() {
                    // A deletion holds; a test holds for the connection as it was (a patch since gives it
                    // another etag, and it is tested again).
                    guard let done = earlier[target.connectionID],
                        operation == .delete || done.etag.map(EntityTag.bare) == EntityTag.bare(target.etag)
                    else { return (index, target) }
                    landed(index, done.outcome)
                }
                return nil
            },
            work: { [self] (index, target) in
                (
                    index,
                    await apply(to: target, client: client, retrier: retrier, journal: journal, runJournal: runJournal)
                )
            },
            sink: { (index, outcome) in landed(index, outcome) }
        )
        await session.shutdown()
        try await journal.flush()
        if let runJournal { try await runJournal.flush() }
        var summary = Summary(outputPath: outputPath)
        for outcome in outcomes {
            switch outcome ?? .notRun {
            case .deleted(let alreadyGone, let earlier):
                if alreadyGone { summary.alreadyGone += 1 } else { summary.deleted += 1 }
                if earlier { summary.deletedEarlier += 1 }
            case .tested(let passed, let earlier):
                if passed { summary.passed += 1 } else { summary.testFailed += 1 }
                if earlier, passed { summary.passedEarlier += 1 }
                if earlier, !passed { summary.testFailedEarlier += 1 }
            case .failed: summary.failed += 1
            case .notRun: summary.notRun += 1
            }
        }
        try write(plan, outcomes.map { $0 ?? .notRun }, to: output.path)
        switch stop.reason {
        case .interrupted: summary.stoppedBecause = "interrupted"
        case .runError(let error): summary.stoppedBecause = error.description
        case nil: break
        }
        summary.exitCode =
            stop.reason.exitStatus(allDone: summary.failed + summary.notRun + summary.testFailed == 0)
            .rawValue
        return summary
    }

    /// Sends the operation's request for one target, retrying what is transient.
    private func apply(
        to target: Target,
        client: FlowServiceClient,
        retrier: Retrier<C>,
        journal: JournalWriter,
        runJournal: JournalWriter?
    ) async -> Outcome {
        let end: RetryEnd<Outcome>
        do {
            end = try await retrier.run { (_) async throws(RunError) -> TryVerdict<Outcome> in
                do throws(RunError) {
                    switch operation {
                    case .delete:
                        let deletion = try await client.delete(id: target.connectionID, sandbox: target.sandbox)
                        record(.deleted, target, passed: nil, journal: journal, runJournal: runJournal)
                        return .done(.deleted(alreadyGone: deletion == .alreadyGone, earlier: false))
                    case .test:
                        let passed = try await client.test(id: target.connectionID, sandbox: target.sandbox)
                        record(.tested, target, passed: passed, journal: journal, runJournal: nil)
                        return .done(.tested(passed, earlier: false))
                    }
                } catch {
                    switch try AnswerClassifier.classify(error, sandbox: target.sandbox) {
                    case .runError(let error): throw error
                    case .rowError(let failure), .sandboxError(let failure): return .done(.failed(failure))
                    case .transient(let reason, _): return .again(reason)
                    }
                }
            }
        } catch {
            stop.stop(.runError(error))
            return .failed(RunError(error.code, error.message, serviceCode: error.serviceCode))
        }
        switch end {
        case .done(let outcome): return outcome
        case .gaveUp(let reason): return .failed(reason.failure)
        case .stopped(nil): return .notRun
        case .stopped(let reason?):
            var failure = reason.failure
            failure.message += " (the run stopped before retrying)"
            return .failed(failure)
        }
    }

    /// What ``record(_:_:passed:journal:runJournal:)`` journals.
    private enum Done { case deleted, tested }

    private func record(
        _ done: Done,
        _ target: Target,
        passed: Bool?,
        journal: JournalWriter,
        runJournal: JournalWriter?
    ) {
        let row = JournalEvent.Row(sandbox: target.sandbox, name: target.name, row: target.row)
        let line = JournalRecord(
            done == .tested
                ? .tested(row, id: target.connectionID, etag: target.etag, passed: passed ?? false)
                : .deleted(row, id: target.connectionID, etag: target.etag)
        ).encoded()
        journal.append(line)
        runJournal?.append(line)
    }

    /// Writes the operation's results file: for `undo`, one line per connection it was to delete; for
    /// `test`, every line of the results file again with `result` and `test_error` after it.
    private func write(_ plan: Plan, _ outcomes: [Outcome], to outputPath: String) throws {
        var writer = try TemporaryFiles.create(besides: outputPath)
        defer { TemporaryFiles.unregister(writer.path) }
        switch operation {
        case .delete:
            try writer.write(
                CSVLineEncoder.line([
                    "row", "name", "sandbox", "connection_id", "status", "http_status", "attempts", "error_code",
                    "error",
                    "request_id",
                ])
            )
            for (target, outcome) in zip(plan.targets, outcomes) {
                let (status, failure, detail): (String, RunError?, String) =
                    switch outcome {
                    case .deleted(_, true): ("deleted", nil, "deleted by an earlier undo")
                    case .deleted(true, _): ("deleted", nil, "it was already gone (404)")
                    case .deleted: ("deleted", nil, "")
                    case .failed(let failure): ("failed", failure, "")
                    case .notRun, .tested: ("not-run", nil, "")
                    }
                try writer.write(
                    CSVLineEncoder.line([
                        String(target.row), target.name, target.sandbox, target.connectionID, status,
                        failure?.httpStatus.map(String.init) ?? "", "", failure?.resultCode ?? "",
                        (failure?.message ?? "") + detail, failure?.requestID ?? "",
                    ])
                )
            }
        case .test:
            try writer.write(CSVLineEncoder.line(plan.header + ["result", "test_error"]))
            var byLine: [Int: Outcome] = [:]
            for (target, outcome) in zip(plan.targets, outcomes) { byLine[target.line] = outcome }
            for (index, fields) in plan.lines.enumerated() {
                let answer: [String] =
                    switch byLine[index] {
                    case .tested(let passed, _)?: [passed ? "true" : "false", ""]
                    case .failed(let failure)?: ["", "\(failure.message) [\(failure.resultCode)]"]
                    case .notRun?: ["", "not tested: the run stopped first"]
                    case .deleted?, nil: ["", ""]
                    }
                try writer.write(CSVLineEncoder.line(fields + answer))
            }
        }
        try writer.close(sync: true)
        guard rename(writer.path, outputPath) == 0 else {
            throw RunError(.localFile, "cannot move the results into place at \(outputPath)")
        }
    }

    /// What an earlier undo deleted or an earlier test tested, by connection ID.
    static func doneEarlier(journalPath: String) throws(RunError) -> [String: (outcome: Outcome, etag: String?)] {
        var done: [String: (outcome: Outcome, etag: String?)] = [:]
        _ = try JournalReader.read(path: journalPath) { record in
            switch record.event {
            case .deleted(_, let id, let etag): done[id] = (.deleted(alreadyGone: false, earlier: true), etag)
            case .tested(_, let id, let etag, let passed): done[id] = (.tested(passed, earlier: true), etag)
            default: break
            }
        }
        return done
    }
}
