import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import Logging

/// One `flowbatch run`: reads the input, resumes from the journal, creates a connection per valid
/// row with at most `concurrency` requests in flight, and writes one result per row.
///
/// Memory is bounded by the window of rows in flight, not by the file: rows are pulled from the
/// input only when a slot frees up, and outcomes go straight to the journal and the results file.
public final class BatchRun<C: Clock>: Sendable where C.Duration == Duration {
    /// What the run tells its caller as it goes (notes and per-row warnings, for stderr).
    public typealias Notify = @Sendable (String) -> Void

    public let configuration: RunConfiguration
    public let statistics: RunStatistics
    public let stop: StopSignal
    let clock: C
    let logger: Logger
    let notify: Notify

    public init(
        configuration: RunConfiguration,
        clock: C,
        stop: StopSignal,
        statistics: RunStatistics = RunStatistics(),
        logger: Logger,
        notify: @escaping Notify
    ) {
        self.configuration = configuration
        self.clock = clock
        self.stop = stop
        self.statistics = statistics
        self.logger = logger
        self.notify = notify
    }

    /// Runs to the end, or until stopped; throws only when nothing could be started
    /// (``InputError`` for the file, ``ConfigurationError`` for the journal).
    public func run() async throws -> RunSummary {
        let started = clock.now
        let preparation = try RunPreparation(configuration, validator: validator, notify: notify)
        let (results, scan, columns) = (preparation.results, preparation.scan, preparation.columns)
        // Before the listing: a second run in the same sandbox would list it before this one has
        // created anything, and create the same names.
        let lock = try SandboxLock.acquire(
            endpoint: configuration.platform.endpoint,
            org: configuration.platform.orgID,
            sandboxes: scan.sandboxes,
            results: configuration.resultsPath
        )
        defer { withExtendedLifetime(lock) {} }
        statistics.setTotal(scan.rows)
        let sessionConfiguration = configuration.session(C.self)
        // One pace for every request of the run (the listing, creates and look-ups: --rate, and below
        // what the service admits once it throttles), one pause gate and one outage breaker.
        let session = FlowServiceSession(
            sessionConfiguration,
            clock: clock,
            stop: stop,
            statistics: statistics,
            logger: logger
        )
        let client = session.client
        // The first token and the connection spec before any file: credentials IMS refuses, or a
        // certificate that is not trusted, leave no journal to bind the next run.
        var authSpecs = ConnectionAuthSpecs.builtIn
        var chain: ChainRows?
        let (resume, key, journal, writer) = try await ConfigurationError.beforeSending(
            startingTokenOf: session,
            reading: { [configuration, notify] () throws in
                (authSpecs, chain) = try await ChainRows.readSpecs(
                    configuration.chain,
                    input: configuration.input,
                    limit: configuration.limit,
                    sandbox: configuration.defaultSandbox,
                    oauthOverride: configuration.oauthSpecName,
                    extraHeaders: columns.extraHeaders,
                    session: session,
                    notify: notify
                )
            }
        ) { () throws -> (ResumeState?, JournalKey?, JournalWriter, ResultsWriter) in
            var kept: [JournalEvent] = []
            // The journal's notes wait for its lock: a run refused because another holds the journal
            // says so first, not after notes about resuming it.
            var notes: [String] = []
            let resume = try loadJournal(keptThroughRestart: &kept, notes: &notes)
            let key = JournalKey.loadOrCreate(path: configuration.journalKeyPath)
            if let resume, let keyID = resume.manifest.keyID, keyID != key?.id {
                notes.append(
                    "note: the journal's secret fingerprints were made with another key; changed secrets cannot be detected for earlier rows"
                )
            }
            let journal = try JournalWriter(
                path: configuration.journalPath,
                synchronous: configuration.journalSynchronous
            )
            notes.forEach(notify)
            if resume == nil || configuration.restart {
                var manifest = configuration.manifest
                manifest.keyID = key?.id
                journal.append(JournalRecord(.manifest(manifest)).encoded())
                for event in kept { journal.append(JournalRecord(event).encoded()) }
            } else {
                journal.append(JournalRecord(.resume).encoded())
            }
            let writer = try ResultsWriter(
                path: results.path,
                extraHeaders: columns.extraHeaders,
                chain: configuration.chain.goesPastConnection
            )
            return (resume, key, journal, writer)
        }
        let refusals = SandboxRefusals()
        var duplicates: [RunSummary.Duplicate] = []
        var pass = RowPass(
            run: self,
            session: session,
            decision: RowDecision(
                validator: validator,
                duplicates: scan.duplicates,
                resume: resume,
                key: key.map { Digest.Keyed(key: $0.bytes) },
                ifExists: configuration.ifExists,
                refusals: refusals,
                notify: notify,
                chain: chain
            ),
            journal: journal,
            writer: writer,
            extraColumns: columns.extraHeaders.count
        )
        do {
            do {
                pass.decision.authSpecs = authSpecs
                logger.info(
                    "auth specs",
                    metadata: [
                        "basic": "\(pass.decision.authSpecs.basicName)",
                        "oauth": "\(pass.decision.authSpecs.oauthName)",
                    ]
                )
                let listing = ExistingConnectionsListing(
                    client: client,
                    retrier: session.retrier(.read),
                    logger: logger,
                    refusals: refusals,
                    onProgress: { [statistics] in statistics.listing(sandbox: $0, listed: $1) },
                    inFlight: configuration.lookUpsInFlight
                )
                // `--if-exists create` needs no listing: a connection created after the sandbox's newest
                // one at the start was made by this run (or meanwhile by something it cannot see).
                if configuration.ifExists == .create,
                    let newest = try await listing.newest(sandboxes: scan.sandboxes)
                {
                    pass.decision.unlisted = newest
                } else {
                    pass.decision.existing = try await listing.list(sandboxes: scan.sandboxes, names: scan.names)
                }
                statistics.listing(sandbox: nil, listed: pass.decision.existing.count)
                // Every sandbox refused: no row can be sent at all, and that is the run's error.
                if let error = refusals.stopsEveryRow(of: scan.sandboxes) { stop.stop(.runError(error)) }
            } catch {
                stop.stop(.runError(error.suggestingFlowServicePath(endpoint: configuration.platform.endpoint)))
            }
            try await pass.process(client: client)
            duplicates = await lookUpAgain(
                pass.createdNow,
                existing: pass.decision.existing,
                createdAfter: pass.decision.unlisted,
                session: session
            )
        } catch {
            await session.shutdown()
            // Outcomes queued so far still go to disk: fewer look-ups for the next run.
            try? await journal.flush()
            throw error
        }
        await session.shutdown()
        try await journal.flush()
        try writer.finish()
        var ended = summary(
            started: started,
            rows: pass.sequence - pass.notInInput,
            notInInput: pass.notInInput,
            duplicates: duplicates
        )
        ended.limit = configuration.limit
        if case .runError = stop.reason { ended.stoppedOnRunError = true }
        ended.unread = scan.unread
        return ended
    }

    /// The names this run created, looked up once more at its end (as the listing at its start
    /// looks names up): one the service now holds more often than before plus this run's one create
    /// was created meanwhile by something this run's lock cannot see (another machine, another
    /// tool). Nothing when the run was stopped; a look-up that fails is a warning, not the run's error.
    private func lookUpAgain(
        _ created: [String: [String]],
        existing: ExistingConnections,
        createdAfter: [String: Int64]?,
        session: FlowServiceSession<C>
    ) async -> [RunSummary.Duplicate] {
        guard !created.isEmpty, !stop.isStopping else { return [] }
        var listing = ExistingConnectionsListing(
            client: session.client,
            retrier: session.retrier(.read),
            logger: logger,
            inFlight: configuration.lookUpsInFlight
        )
        var duplicates: [RunSummary.Duplicate] = []
        /// The connections now named `name` (oldest first) against what the run accounts for: those at
        /// the start plus its one, or, not listed at the start, one made since it began.
        func judge(_ name: String, sandbox: String, _ named: [FlowServiceClient.Listed]) {
            var ids = named.map(\.id)
            var expected = existing.ids(sandbox: sandbox, name: name).count + 1
            if let after = createdAfter?[sandbox] {
                ids = named.filter { ResourceCreate.mayHaveMade($0, preexisting: [], createdAfter: after) }.map(\.id)
                expected = 1
            }
            if ids.count > expected { duplicates.append(.init(sandbox: sandbox, name: name, connectionIDs: ids)) }
        }
        do {
            for (sandbox, names) in created.sorted(by: { $0.key < $1.key }) {
                // Batch by batch, as the answers come, holding none after: a run's end then needs no more
                // memory than its pass, however many rows it created. Under --rate, where requests and not
                // round trips cost, a listing kept to these names may take fewer.
                if configuration.lookUpsInFlight > 1,
                    try await listing.lookUpEach(
                        names,
                        sandbox: sandbox,
                        found: { batch in
                            let byName = Dictionary(grouping: batch, by: \.name)
                            for (name, named) in byName {
                                judge(
                                    name,
                                    sandbox: sandbox,
                                    named.sorted { ($0.createdAt ?? .max, $0.id) < ($1.createdAt ?? .max, $1.id) }
                                )
                            }
                        }
                    ) != nil
                {
                    continue
                }
                listing.onlyNamed = [sandbox: Set(names)]
                let now = try await listing.list(sandboxes: [sandbox], names: [sandbox: names])
                for name in names { judge(name, sandbox: sandbox, now.connections(sandbox: sandbox, name: name)) }
            }
        } catch {
            notify("warning: the names this run created could not be looked up again for duplicates: \(error)")
            return []
        }
        duplicates.sort { ($0.sandbox, $0.name) < ($1.sandbox, $1.name) }
        return duplicates
    }

    var validator: RowValidator {
        var validator = RowValidator(defaultSandbox: configuration.defaultSandbox, today: configuration.today)
        validator.secretsMayBeKept = configuration.ifExists == .update
        return validator
    }

    /// Reads the journal for this output, or moves it aside with `--restart`, keeping in `kept` what
    /// earlier runs of this output created (for the new journal), so that the results still list it
    /// as created and `undo` deletes it; what to tell the user goes to `notes`, said once the journal's
    /// lock is held.
    private func loadJournal(
        keptThroughRestart kept: inout [JournalEvent],
        notes: inout [String]
    ) throws
        -> ResumeState?
    {
        let path = configuration.journalPath
        if configuration.restart {
            // A journal that cannot be read keeps nothing; it is moved aside all the same.
            let earlier = try? ResumeState.load(path: path)
            guard let moved = try JournalFiles.moveAside(path) else { return nil }
            notes.append("note: --restart: the earlier journal was moved to \(moved)")
            guard let earlier, !earlier.created.isEmpty else { return nil }
            guard let restarted = earlier.keptThroughRestart(into: configuration.manifest) else {
                notes.append(
                    "note: the \(RunSummary.plural(earlier.created.count, "connection")) it records as created are at"
                        + " \(earlier.manifest.endpoint) (org \(earlier.manifest.org)), not this run's service: they are not"
                        + " carried over (undo them with the moved journal and the old results)"
                )
                return nil
            }
            kept = restarted.events
            notes.append(
                "note: --restart keeps the \(RunSummary.plural(kept.count, "connection")) earlier runs of this output"
                    + " created (still created in the results, and undo deletes them); everything else it recorded is forgotten"
            )
            return restarted.state
        }
        guard let resume = try ResumeState.load(path: path) else { return nil }
        if let conflict = resume.manifest.conflict(with: configuration.manifest) {
            guard resume.bindsConnections else {
                // Nothing was created or may have been: the journal holds nothing this run could
                // duplicate or lose, so a corrected command just runs.
                let moved = try JournalFiles.moveAside(path)
                notes.append(
                    "note: \(path) was written by a run that created no connection (\(conflict)); it was moved to"
                        + " \(moved ?? path) and this run starts afresh"
                )
                return nil
            }
            throw ResumeState.conflictError(path: path, conflict)
        }
        if resume.manifest.input != configuration.manifest.input {
            notes.append(
                "note: the journal was written for \(resume.manifest.input); rows of \(configuration.manifest.input) are matched to it by sandbox and name"
            )
        }
        for note in resume.notes { notes.append("note: \(note)") }
        let done = resume.entries.values.filter { $0.done != nil }.count
        let pending = resume.entries.values.filter { $0.lookUpFirst }.count
        notes.append(
            "note: resuming from \(path): \(RunSummary.plural(done, "row")) done earlier"
                + (pending > 0
                    ? ", \(pending) journaled without a known answer, possibly sent (looked up by name before"
                        + " anything is sent again)" : "")
        )
        return resume
    }

    private func summary(
        started: C.Instant,
        rows: Int,
        notInInput: Int,
        duplicates: [RunSummary.Duplicate]
    ) -> RunSummary {
        let snapshot = statistics.snapshot
        let reason = stop.reason
        let exitCode = reason.exitStatus(
            allDone: RowStatus.allCases.filter(\.isDone).map(snapshot.count).reduce(0, +) == snapshot.done
                && duplicates.isEmpty
        ).rawValue
        let stoppedBecause: String? =
            switch reason {
            case .interrupted: "interrupted; requests in flight were finished and the journal flushed"
            case .runError(let error): error.description
            case nil: nil
            }
        return RunSummary(
            rows: rows,
            counts: snapshot.counts,
            topErrors: snapshot.errors.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(5).map {
                RunSummary.ErrorCount(code: $0.key.code, field: $0.key.field, count: $0.value, message: $0.key.message)
            },
            earlier: snapshot.earlier,
            requests: snapshot.requests,
            p50: snapshot.latency.percentile(0.5),
            p95: snapshot.latency.percentile(0.95),
            p99: snapshot.latency.percentile(0.99),
            elapsedSeconds: started.duration(to: clock.now).seconds,
            resultsPath: AbsolutePath.of(configuration.resultsPath),
            journalPath: AbsolutePath.of(configuration.journalPath),
            recovered: snapshot.recovered,
            changedSinceCreated: snapshot.changedSinceCreated,
            stoppedBecause: stoppedBecause,
            exitCode: exitCode,
            notInInput: notInInput,
            duplicates: duplicates
        )
    }
}
