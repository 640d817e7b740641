import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// The main pass of a run over the input: turns each row into an outcome at once (invalid, already
/// done, already existing) or into a job for a worker, keeps at most the allowed number of jobs in
/// flight, and records every outcome in input order. After a stop, the rows not reached are
/// recorded as `not-run` (or as done, when an earlier run finished them).
struct RowPass<C: Clock> where C.Duration == Duration {
    let run: BatchRun<C>
    /// The run's session: its pace, pause gate, outage breaker, window and budget are shared by every request.
    let session: FlowServiceSession<C>
    /// What each row needs; the caller fills in the existing connections and the auth specs.
    var decision: RowDecision
    let journal: JournalWriter
    let writer: ResultsWriter
    /// How many of the input's columns the results carry (a row not in the input has them empty).
    let extraColumns: Int
    /// Rows given an outcome so far (the next row's sequence number).
    private(set) var sequence = 0
    /// The input's rows that the journal knows, by ``ResumeState/key(sandbox:name:)``: bounded by the
    /// journal, not the file.
    var seen: Set<String> = []
    /// The names this run created, by sandbox: looked up once more at the end, for duplicates that
    /// another run, tool or machine made meanwhile.
    private(set) var createdNow: [String: [String]] = [:]
    /// Connections this output's journal created for rows that are not in the input (any more):
    /// listed after the input's rows, so that the results keep them and `undo` deletes them.
    private(set) var notInInput = 0

    /// Reads every row and gives each an outcome.
    mutating func process(client: FlowServiceClient) async throws {
        let configuration = run.configuration
        var cursor = try configuration.input.open()
        let limit = configuration.limit ?? .max
        let concurrency = session.window
        let worker = RowWorker(
            client: client,
            journal: journal,
            writes: session.retrier(.write),
            reads: session.retrier(.read),
            statistics: run.statistics,
            stop: run.stop,
            refusals: decision.refusals,
            logger: run.logger,
            specs: decision.chain?.specs
        )
        var inputError: (any Error)?
        // A batch's `attempt` lines are made durable with one sync before any of its rows is sent
        // (write-ahead without a sync per row); the executor runs that sync while the batch before
        // it is being sent, so that no slot waits for the disk.
        let executor = WindowedExecutor(
            concurrency: concurrency,
            stop: run.stop,
            batchSize: max(configuration.concurrency, 32),
            statistics: run.statistics
        )
        let unsent = try await executor.run(
            next: { () throws -> RowJob? in
                while sequence < limit, inputError == nil {
                    let next: RowDecision.Decision?
                    do {
                        next = try cursor.nextRow { [sequence] row in decision.decide(row, sequence: sequence) }
                    } catch {
                        inputError = error
                        return nil
                    }
                    guard let next else { return nil }
                    noteSeen(next)
                    sequence += 1
                    switch next {
                    case .outcome(let outcome, let event, let recovered, let changed, let earlier):
                        try record(outcome, event: event, recovered: recovered, changed: changed, earlier: earlier)
                    case .job(let job):
                        return job
                    }
                }
                return nil
            },
            prepare: { [journal] batch in
                journal.append(batch.flatMap { $0.attemptRecord(attempt: 1) })
                try await journal.flush()
            },
            work: { [worker] job in await worker.process(job) },
            sink: { result in try finish(result) }
        )
        // Jobs journaled but never sent: the journal says so, so that the next run sends them without
        // looking them up first.
        for job in unsent {
            try record(notRun(job.notRun), event: .unsent(.init(job.request)))
        }
        if inputError == nil {
            do {
                while sequence < limit,
                    let next = try cursor.nextRow({ [sequence] row in decision.decide(row, sequence: sequence) })
                {
                    noteSeen(next)
                    switch next {
                    case .outcome(let outcome, let event, let recovered, let changed, true):
                        try record(outcome, event: event, recovered: recovered, changed: changed, earlier: true)
                    case .outcome(let outcome, _, _, _, _) where outcome.status == .unchanged:
                        try record(outcome, event: nil, earlier: true)
                    case .outcome(var outcome, _, _, _, false):
                        // Not reached: whatever the row would have come to, it was not run. An update's
                        // row keeps its connection's ID.
                        let kept = run.configuration.ifExists == .update ? outcome.connection : nil
                        outcome.result = .notRun(.notRun(nil), connection: kept)
                        try record(notRun(outcome), event: nil)
                    case .job(let job):
                        try record(notRun(job.notRun), event: nil)
                    }
                    sequence += 1
                }
            } catch {
                inputError = error
            }
        }
        // Whatever the input says now, what this output created stays in its results.
        let readWhole = inputError == nil && (configuration.limit == nil || sequence < limit)
        try recordNotInInput(readWhole: readWhole)
        if let inputError {
            let message = (inputError as? InputError)?.description ?? "\(inputError)"
            run.stop.stop(
                .runError(
                    RunError(
                        .localFile,
                        "the input could not be read to its end (\(message)); results are written for the rows read"
                    )
                )
            )
        }
    }

    /// Remembers that the input holds the row of `decision`, when the journal knows its name.
    private mutating func noteSeen(_ decision: RowDecision.Decision) {
        guard let resume = self.decision.resume else { return }
        let (sandbox, name) =
            switch decision {
            case .outcome(let outcome, _, _, _, _): (outcome.sandbox, outcome.name)
            case .job(let job): (job.request.sandbox, job.request.name)
            }
        if resume.entry(sandbox: sandbox, name: name) != nil {
            seen.insert(ResumeState.key(sandbox: sandbox, name: name))
        }
    }

    /// Lists, after the input's rows, each connection the journal records as created whose row the
    /// input did not hold: `created`, with its ID and a note saying so. `readWhole`: every row of the
    /// input was read (else the row may be among those not read).
    private mutating func recordNotInInput(readWhole: Bool) throws {
        guard let resume = decision.resume else { return }
        let extras = [String](repeating: "", count: extraColumns)
        for (sandbox, name, entry, done) in resume.created
        where !seen.contains(ResumeState.key(sandbox: sandbox, name: name)) {
            let note = RowOutcome.Note(
                code: readWhole ? "not-in-input" : "not-read",
                message: (readWhole
                    ? "no longer in the input (it was row \(entry.row) when its connection was created)"
                    : "not among the rows read (row \(entry.row) when its connection was created)")
                    + "; listed so that undo deletes it"
            )
            let outcome = RowOutcome(
                sequence: sequence,
                row: entry.row,
                name: name,
                sandbox: sandbox,
                auth: nil,
                .created(.init(id: done.connectionID, etag: done.etag), note: note),
                extras: extras
            )
            try writer.add(outcome)
            sequence += 1
            notInInput += 1
        }
    }

    /// A row the run did not reach, with why in `error`.
    private func notRun(_ outcome: RowOutcome) -> RowOutcome {
        var outcome = outcome
        outcome.result = .notRun(.notRun(run.stop.reason), connection: outcome.connection)
        return outcome
    }

    /// Records a worker's result; a run error stops the run.
    private mutating func finish(_ result: RowWorker<C>.Finished) throws {
        if let error = result.runError {
            run.stop.stop(.runError(error))
        }
        var outcome = result.outcome
        if outcome.status == .notRun { outcome = notRun(outcome) }
        if result.createdNow {
            createdNow[outcome.sandbox, default: []].append(outcome.name)
        }
        // A row whose chain went on past its base connection was journaled by its worker, step by step.
        let event = result.journaled ? nil : result.event
        try record(
            outcome,
            event: event,
            recovered: result.recovered,
            changed: result.changed,
            earlier: result.earlier
        )
    }

    private func record(
        _ outcome: RowOutcome,
        event: JournalEvent?,
        recovered: Bool = false,
        changed: Bool = false,
        earlier: Bool = false
    ) throws {
        if let event { journal.append(JournalRecord(event).encoded()) }
        try writer.add(outcome)
        run.statistics.record(outcome, recovered: recovered, changed: changed, earlier: earlier)
    }
}
