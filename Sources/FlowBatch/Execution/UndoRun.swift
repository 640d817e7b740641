import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `flowbatch undo`: deletes the connections that runs recorded as `created` in a results file
/// (never `exists`: those were not flowbatch's), writes one result per deleted row, and resumes
/// like `run` from its own journal.
public final class UndoRun<C: Clock>: Sendable where C.Duration == Duration {
    /// One connection to delete.
    public struct Target: Sendable, Equatable {
        public var row: Int
        public var name: String
        public var sandbox: String
        public var connectionID: String
    }

    /// What `undo` would delete, read from a results file.
    public struct Plan: Sendable {
        public var targets: [Target]
        /// Rows the results file lists as `exists`: left alone.
        public var existing: Int
        /// Rows in the results file.
        public var rows: Int
        public var sandboxes: [String] { Array(Set(targets.map(\.sandbox))).sorted() }
    }

    public let resultsPath: String
    public let undoPath: String
    public let settings: PlatformSettings
    public let concurrency: Int
    public let policy: RetryPolicy
    public let timeout: Duration
    /// Proxies and trusted certificate authorities.
    public let network: NetworkSettings
    let clock: C
    let stop: StopSignal
    let logger: Logger

    public init(
        resultsPath: String,
        undoPath: String,
        settings: PlatformSettings,
        concurrency: Int,
        policy: RetryPolicy,
        timeout: Duration,
        network: NetworkSettings = NetworkSettings(),
        clock: C,
        stop: StopSignal,
        logger: Logger
    ) {
        self.resultsPath = resultsPath
        self.undoPath = undoPath
        self.settings = settings
        self.concurrency = concurrency
        self.policy = policy
        self.timeout = timeout
        self.network = network
        self.clock = clock
        self.stop = stop
        self.logger = logger
    }

    /// Reads the results file: the rows a run created.
    public static func plan(resultsPath: String) throws -> Plan {
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
        var plan = Plan(targets: [], existing: 0, rows: 0)
        while let record = try cursor.next() {
            guard record.problem == nil, record.fields.count > idColumn else { continue }
            plan.rows += 1
            let fields = record.fields
            switch fields[statusColumn] {
            case RowStatus.created.rawValue where !fields[idColumn].isEmpty:
                plan.targets.append(
                    Target(
                        row: Int(fields[rowColumn]) ?? record.row,
                        name: fields[nameColumn],
                        sandbox: fields[sandboxColumn],
                        connectionID: fields[idColumn]
                    )
                )
            case RowStatus.exists.rawValue:
                plan.existing += 1
            default:
                break
            }
        }
        return plan
    }

    /// The counts at the end.
    public struct Summary: Sendable, Equatable {
        public var deleted = 0
        public var alreadyGone = 0
        public var failed = 0
        public var notRun = 0
        public var undoPath: String
        public var stoppedBecause: String?
        public var exitCode: Int32 = 0
    }

    /// Deletes the plan's connections; returns when done or stopped.
    public func run(_ plan: Plan) async throws -> Summary {
        let journalPath = undoPath + ".journal"
        let (done, journal, runJournal) = try ConfigurationError.beforeSending {
            let done = try Self.deletedEarlier(journalPath: journalPath)
            let journal = try JournalWriter(path: journalPath)
            // The run's journal learns what was deleted, so that running again creates it anew; a
            // results file without its journal is undone all the same, and no journal is made up.
            let runJournalPath = resultsPath + ".journal"
            let runJournal = access(runJournalPath, F_OK) == 0 ? try JournalWriter(path: runJournalPath) : nil
            return (done, journal, runJournal)
        }
        let transport = HTTPTransport(
            connections: concurrency + 1,
            timeout: timeout,
            network: network,
            logger: logger
        )
        let client = FlowServiceClient.make(settings: settings, transport: transport, logger: logger)
        var writer = try BufferedFile(creating: undoPath + ".\(getpid()).tmp")
        try writer.write(CSVLineEncoder.line(["row", "name", "sandbox", "connection_id", "status", "http_status", "attempts", "error_code", "error", "request_id"]))
        var lines: [Int: [UInt8]] = [:]
        var summary = Summary(undoPath: undoPath)
        let gate = PauseGate(clock: clock)
        await withTaskGroup(of: (Int, [UInt8], Outcome).self) { group in
            var inFlight = 0
            for (index, target) in plan.targets.enumerated() {
                if done.contains(target.connectionID) {
                    lines[index] = Self.line(target, status: "deleted", detail: "deleted by an earlier undo")
                    summary.deleted += 1
                    continue
                }
                if stop.isStopping {
                    lines[index] = Self.line(target, status: "not-run")
                    summary.notRun += 1
                    continue
                }
                if inFlight >= concurrency, let (finished, line, outcome) = await group.next() {
                    inFlight -= 1
                    lines[finished] = line
                    count(outcome, into: &summary)
                }
                group.addTask { [self] in
                    let (line, outcome) = await self.delete(target, client: client, gate: gate, journal: journal, runJournal: runJournal)
                    return (index, line, outcome)
                }
                inFlight += 1
            }
            for await (finished, line, outcome) in group {
                lines[finished] = line
                count(outcome, into: &summary)
            }
        }
        await transport.shutdown()
        for index in plan.targets.indices {
            if let line = lines[index] { try writer.write(line) }
        }
        try writer.close(sync: true)
        try await journal.flush()
        if let runJournal { try await runJournal.flush() }
        guard rename(writer.path, undoPath) == 0 else {
            throw RunError(.localFile, "cannot move the undo results into place at \(undoPath)")
        }
        switch stop.reason {
        case .interrupted:
            summary.stoppedBecause = "interrupted"
            summary.exitCode = 130
        case .runError(let error):
            summary.stoppedBecause = error.description
            summary.exitCode = 2
        case nil:
            summary.exitCode = summary.failed + summary.notRun == 0 ? 0 : 1
        }
        return summary
    }

    enum Outcome: Sendable {
        case deleted, alreadyGone, failed, notRun
    }

    private func count(_ outcome: Outcome, into summary: inout Summary) {
        switch outcome {
        case .deleted: summary.deleted += 1
        case .alreadyGone: summary.alreadyGone += 1
        case .failed: summary.failed += 1
        case .notRun: summary.notRun += 1
        }
    }

    private func delete(
        _ target: Target,
        client: FlowServiceClient,
        gate: PauseGate<C>,
        journal: JournalWriter,
        runJournal: JournalWriter?
    ) async -> ([UInt8], Outcome) {
        var generator = SystemRandomNumberGenerator()
        var attempts = 0
        var last: AnswerClassifier.Failure?
        while attempts < policy.maxAttempts {
            guard !stop.isStopping, await stop.unlessStopped({ try await gate.wait() }) else { break }
            attempts += 1
            let deletion: FlowServiceClient.Deletion
            do {
                deletion = try await client.delete(id: target.connectionID, sandbox: target.sandbox)
            } catch {
                stop.stop(.runError(error))
                return (Self.line(target, status: "failed", attempts: attempts, code: error.serviceCode ?? error.code.rawValue, detail: error.message), .failed)
            }
            let answer: ServiceAnswer
            switch deletion {
            case .deleted, .alreadyGone:
                var record = JournalRecord(event: .deleted, at: JournalClock.now())
                record.sandbox = target.sandbox
                record.name = target.name
                record.row = target.row
                record.id = target.connectionID
                journal.append(record.encoded())
                runJournal?.append(record.encoded())
                if deletion == .alreadyGone {
                    return (Self.line(target, status: "deleted", attempts: attempts, detail: "it was already gone (404)"), .alreadyGone)
                }
                return (Self.line(target, status: "deleted", attempts: attempts), .deleted)
            case .refused(let refused):
                answer = refused
            }
            switch AnswerClassifier.classify(answer, sandbox: target.sandbox) {
            case .runError(let error):
                stop.stop(.runError(error))
                return (Self.line(target, status: "failed", attempts: attempts, code: error.serviceCode, detail: error.message), .failed)
            case .rowError(let failure):
                return (Self.line(target, status: "failed", attempts: attempts, failure: failure), .failed)
            case .transient(let failure, _, _, _) where attempts >= policy.maxAttempts:
                return (Self.line(target, status: "failed", attempts: attempts, failure: failure), .failed)
            case .transient(let failure, _, let throttled, let retryAfter):
                last = failure
                if throttled, let retryAfter { gate.pause(until: clock.now.advanced(by: .seconds(retryAfter))) }
                let delay = policy.delay(beforeRetry: attempts, retryAfter: retryAfter, using: &generator)
                _ = await stop.unlessStopped { [clock] in try await clock.sleep(for: delay) }
            case .created:
                return (Self.line(target, status: "deleted", attempts: attempts), .deleted)
            }
        }
        if let last {
            return (Self.line(target, status: "failed", attempts: attempts, detail: " (the run stopped before retrying)", failure: last), .failed)
        }
        return (Self.line(target, status: "not-run"), .notRun)
    }

    private static func line(
        _ target: Target,
        status: String,
        attempts: Int = 0,
        code: String? = nil,
        detail: String? = nil,
        failure: AnswerClassifier.Failure? = nil
    ) -> [UInt8] {
        CSVLineEncoder.line([
            String(target.row), target.name, target.sandbox, target.connectionID, status,
            failure?.httpStatus.map(String.init) ?? "", String(attempts), failure?.code ?? code ?? "",
            (failure?.message ?? "") + (detail ?? ""), failure?.requestID ?? "",
        ])
    }

    private static func line(_ target: Target, status: String, detail: String) -> [UInt8] {
        line(target, status: status, attempts: 0, code: nil, detail: detail, failure: nil)
    }

    /// Connection IDs an earlier undo of the same results deleted.
    private static func deletedEarlier(journalPath: String) throws -> Set<String> {
        guard let file = fopen(journalPath, "r") else { return [] }
        defer { fclose(file) }
        var ids: Set<String> = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        let decoder = JSONDecoder()
        while true {
            let length = getline(&line, &capacity, file)
            guard length >= 0 else { break }
            let bytes = Data(UnsafeRawBufferPointer(start: line, count: length))
            if let record = try? decoder.decode(JournalRecord.self, from: bytes), record.event == .deleted, let id = record.id {
                ids.insert(id)
            }
        }
        return ids
    }
}
