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
/// Both go through one window (at most the session's concurrency in flight), one retry loop (backoff,
/// `Retry-After` pausing every worker, a stop), write one result per row and resume from their own
/// journal: a connection an earlier undo deleted, or an earlier test tested, is not asked again.
public final class ConnectionsRun<C: Clock>: Sendable where C.Duration == Duration {
    /// What is done to each connection: a ``BulkOperation`` value (``BulkOperation/delete``, ``BulkOperation/test``).
    public typealias Operation = BulkOperation
    public typealias Target = BulkTarget
    public typealias Plan = BulkPlan

    public let operation: Operation
    public let resultsPath: String
    /// Where the operation's own results go (`<results>.undo.csv`, `<results>.test.csv`).
    public let outputPath: String
    /// The session its requests go through: the platform, proxies and trust, the timeout, the
    /// concurrency and the retry policy, as every command's session is made.
    public let sessionConfiguration: FlowServiceSession<C>.Configuration
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
        session: FlowServiceSession<C>.Configuration,
        clock: C,
        stop: StopSignal,
        statistics: RunStatistics = RunStatistics(),
        logger: Logger
    ) {
        self.statistics = statistics
        self.operation = operation
        self.resultsPath = resultsPath
        self.outputPath = outputPath
        self.sessionConfiguration = session
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
        // `--through source|flow`: the chain's columns, last made first (the order undo deletes in).
        let chainColumns: [(step: ChainStep, index: Int)] =
            operation.appliesToChain
            ? [(ChainStep.flow, "flow_id"), (.target, "target_connection_id"), (.source, "source_connection_id")]
                .compactMap { step, name in header.fields.firstIndex(of: name).map { (step, $0) } } : []
        plan.hasChain = !chainColumns.isEmpty
        // A row an update run rewrote (`updated`, `unchanged`, or failed with its ID) may be one a run
        // created: the run's journal says so, and undo deletes it too.
        let journal =
            operation.includesCreatedByARun ? (try? ResumeState.load(path: resultsPath + ".journal")) ?? nil : nil
        while let record = try cursor.next() {
            guard record.problem == nil, record.fields.count > idColumn else { continue }
            let fields = record.fields
            plan.lines.append(fields)
            if fields[statusColumn] == RowStatus.exists.rawValue { plan.existing += 1 }
            let id = fields[idColumn]
            let entry = journal?.entry(sandbox: fields[sandboxColumn], name: fields[nameColumn])
            let createdByARun = entry?.done.map { $0.status == .created && $0.connectionID == id } ?? false
            let listed = operation.statuses.contains(fields[statusColumn])
            // The chain's resources a run created: the journal says which (a row is `created` once any of
            // its resources is, so its status cannot); without it, those of a `created` row.
            let chain = chainColumns.compactMap { step, index -> ChainResource? in
                guard fields.count > index, case let resource = fields[index], !resource.isEmpty else { return nil }
                let created = journal.map { _ in entry?.steps[step].map { $0.created && $0.id == resource } ?? false }
                return created ?? listed ? ChainResource(step: step, id: resource) : nil
            }
            // A chain's base connection is the run's only when the journal says it created it.
            let includesConnection =
                !id.isEmpty && (chain.isEmpty && listed || createdByARun || journal == nil && listed)
            guard includesConnection || !chain.isEmpty else { continue }
            var target = Target(
                row: Int(fields[rowColumn]) ?? record.row,
                name: fields[nameColumn],
                sandbox: fields[sandboxColumn],
                connectionID: fields[idColumn],
                etag: etagColumn.map { fields.count > $0 ? fields[$0] : "" } ?? "",
                line: plan.lines.count - 1
            )
            target.chain = chain
            target.includesConnection = includesConnection
            plan.targets.append(target)
        }
        return plan
    }

    /// The counts at the end.
    public struct Summary: Sendable, Equatable {
        /// Answered yes (deleted, the 404s apart; the test passed), now or by an earlier run.
        public var yes = 0
        /// Done already (a deletion answered 404).
        public var alreadyDone = 0
        /// Answered no (the test failed).
        public var no = 0
        /// Connections the request failed for (nothing is known).
        public var failed = 0
        public var notRun = 0
        /// Rows whose dataflow `test` checked (``FlowCheck``), and of them those whose preview or
        /// latest run failed.
        public var flowsChecked = 0
        public var flowsFailed = 0
        /// Of ``yes`` and ``no``: those an earlier run of the same command settled.
        public var yesEarlier = 0
        public var noEarlier = 0
        /// Answered yes by this run's own requests.
        public var yesNow: Int { yes - yesEarlier }
        // The operations' own words for the counts, as `undo` and `test` print them.
        public var deleted: Int { yes }
        public var deletedEarlier: Int { yesEarlier }
        public var deletedNow: Int { yesNow }
        public var alreadyGone: Int { alreadyDone }
        public var passed: Int { yes }
        public var passedEarlier: Int { yesEarlier }
        public var testFailed: Int { no }
        public var testFailedEarlier: Int { noEarlier }
        public var outputPath: String
        public var stoppedBecause: String?
        public var exitCode: Int32 = 0

        /// `total`, or "N now, M earlier" when an earlier run settled `earlier` of them, as `run` says it.
        public static func count(_ total: Int, earlier: Int) -> String {
            earlier > 0 ? "\(total - earlier) now, \(earlier) earlier" : String(total)
        }
    }

    typealias Outcome = BulkOutcome

    /// The progress line of `operation`: how many rows are done (a row with a chain counts once), and how they went.
    public static func progressLine(_ operation: Operation) -> ProgressReporter.Line {
        { snapshot, rate, width in
            let total = snapshot.total ?? 0
            var parts = ["\(operation.pastTense) \(snapshot.done)/\(total)"] + operation.progressParts(snapshot)
            if snapshot.count(.failed) > 0 {
                parts.append("could not \(operation.verb) \(snapshot.count(.failed))")
            }
            if let rate, rate > 0 {
                parts.append("\(Int(rate.rounded())) rows/s")
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
        let output = try OutputTarget.resolve(outputPath, role: "the \(operation.name) results", special: false)
        try OutputPaths.check(
            [
                .init(output, replacesOnlyOwnFiles: true),
                .init(
                    try OutputTarget.resolve(journalPath, role: "the \(operation.name) journal", special: false),
                    isJournal: true
                ),
            ],
            input: resultsPath
        )
        let session = FlowServiceSession(
            sessionConfiguration,
            clock: clock,
            stop: stop,
            statistics: statistics,
            logger: logger
        )
        let client = session.client
        let retrier = session.retrier(.bulk)
        let window = session.window
        // The first token before any file: credentials IMS refuses leave no journal behind.
        // A test of rows with flows previews each row's source with its params: the connection spec's
        // sourceSpec says which columns they are, read once, before anything is written.
        let checksFlows = operation.checksFlows && plan.hasFlows
        var schema: SourceParamsSchema?
        let (earlier, journal, runJournal) = try await ConfigurationError.beforeSending(
            startingTokenOf: session,
            reading: { () async throws(RunError) in
                guard checksFlows else { return }
                schema =
                    try await ConnectionSpecReading.read(
                        client: client,
                        sandbox: plan.sandboxes.first ?? "prod",
                        oauthOverride: nil,
                        notify: { logger.warning("\($0)") }
                    )
                    .sourceParams
            }
        ) {
            let earlier = try Self.doneEarlier(operation, journalPath: journalPath)
            let journal = try JournalWriter(path: journalPath)
            // Undo tells the run's journal what was deleted, so that running again creates it anew;
            // a results file without its journal is undone all the same, and no journal is made up.
            let runJournalPath = resultsPath + ".journal"
            let runJournal =
                operation.tellsTheRunJournal && access(runJournalPath, F_OK) == 0
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
                    guard let done = earlier[target.connectionID], operation.earlierHolds(done.etag, target)
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
        var plan = plan
        if checksFlows, !stop.isStopping {
            plan.flowChecks = try await checkFlows(
                FlowCheck.targets(plan, schema: schema),
                schema: schema,
                client: client,
                retrier: retrier,
                window: window
            )
        }
        await session.shutdown()
        try await journal.flush()
        if let runJournal { try await runJournal.flush() }
        var summary = Summary(outputPath: outputPath)
        for outcome in outcomes {
            switch outcome ?? .notRun {
            case .answered(let answer, let earlier) where answer.alreadyDone && !earlier:
                summary.alreadyDone += 1
            case .answered(let answer, let earlier) where answer.yes:
                summary.yes += 1
                if earlier { summary.yesEarlier += 1 }
            case .answered(_, let earlier):
                summary.no += 1
                if earlier { summary.noEarlier += 1 }
            case .failed: summary.failed += 1
            case .notRun: summary.notRun += 1
            }
        }
        summary.flowsChecked = plan.flowChecks.count
        summary.flowsFailed = plan.flowChecks.values.filter(\.failed).count
        try write(plan, outcomes.map { $0 ?? .notRun }, to: output.path)
        switch stop.reason {
        case .interrupted: summary.stoppedBecause = "interrupted"
        case .runError(let error): summary.stoppedBecause = error.description
        case nil: break
        }
        summary.exitCode =
            stop.reason.exitStatus(allDone: summary.failed + summary.notRun + summary.no + summary.flowsFailed == 0)
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
                    let answer = try await operation.perform(client, target)
                    let row = JournalEvent.Row(sandbox: target.sandbox, name: target.name, row: target.row)
                    let events = [operation.event(row, target, answer)] + operation.chainEvents(row, target)
                    let lines = events.flatMap { JournalRecord($0).encoded() }
                    journal.append(lines)
                    runJournal?.append(lines)
                    return .done(.answered(answer, earlier: false))
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
            return .failed(reason.failure.stoppedBeforeRetrying)
        }
    }

    /// Writes the operation's results file: for `undo`, one line per connection it was to delete; for
    /// `test`, every line of the results file again with `result` and `test_error` after it.
    private func write(_ plan: Plan, _ outcomes: [Outcome], to outputPath: String) throws {
        var writer = try TemporaryFiles.create(besides: outputPath)
        defer { TemporaryFiles.unregister(writer.path) }
        try operation.writeResults(plan, outcomes, &writer)
        try writer.close(sync: true)
        guard rename(writer.path, outputPath) == 0 else {
            throw RunError(.localFile, "cannot move the results into place at \(outputPath)")
        }
    }

    /// What an earlier run of `operation` settled, by connection ID, with the etag it was for.
    static func doneEarlier(
        _ operation: BulkOperation,
        journalPath: String
    ) throws(RunError) -> [String: (outcome: Outcome, etag: String?)] {
        var done: [String: (outcome: Outcome, etag: String?)] = [:]
        _ = try JournalReader.read(path: journalPath) { record in
            if let (id, etag, answer) = operation.earlier(record.event) {
                done[id] = (.answered(answer, earlier: true), etag)
            }
        }
        return done
    }
}
