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
        let started = ContinuousClock.now
        var header = try configuration.input.open()
        if let note = header.columns.unmappedNote { notify("note: \(note)") }
        let scan = try InputScan.run(&header, validator: validator, limit: configuration.limit)
        statistics.setTotal(scan.rows)
        if let note = InputNotes.encoding(invalidRows: scan.invalidUTF8Rows) { notify("note: \(note)") }
        if scan.rows == 0 { notify("note: \(InputNotes.noDataRows)") }
        let (resume, key, journal, writer) = try ConfigurationError.beforeSending { () throws -> (ResumeState?, JournalKey?, JournalWriter, ResultsWriter) in
            let resume = try loadJournal()
            let key = JournalKey.loadOrCreate(path: configuration.journalKeyPath)
            if let resume, let keyID = resume.keyID, keyID != key?.id {
                notify("note: the journal's secret fingerprints were made with another key; changed secrets cannot be detected for earlier rows")
            }
            let journal = try JournalWriter(path: configuration.journalPath, synchronous: configuration.journalSynchronous)
            if resume == nil {
                var manifest = configuration.manifest.record
                manifest.keyId = key?.id
                journal.append(manifest.encoded())
            } else {
                journal.append(JournalRecord(event: .resume, at: JournalClock.now()).encoded())
            }
            let writer = try ResultsWriter(path: configuration.resultsPath, extraHeaders: header.columns.extraHeaders)
            return (resume, key, journal, writer)
        }
        let transport = HTTPTransport(
            connections: configuration.concurrency + 2,
            timeout: configuration.timeout,
            network: configuration.network,
            logger: logger
        )
        // One pace for every request of the run: the listing, creates and look-ups.
        let rateLimiter = configuration.rate.map { RateLimiter(rate: $0, clock: clock) }
        var pass = RowPass(
            run: self,
            rateLimiter: rateLimiter,
            columns: header.columns,
            duplicates: scan.duplicates,
            resume: resume,
            key: key?.bytes,
            journal: journal,
            writer: writer
        )
        do {
            var pace: (@Sendable () async -> Bool)?
            if let rateLimiter {
                pace = { [stop] in await stop.unlessStopped { try await rateLimiter.acquire() } }
            }
            let client = FlowServiceClient.make(
                settings: configuration.platform,
                transport: transport,
                logger: logger,
                pace: pace
            )
            do {
                let listing = ExistingConnectionsListing(
                    client: client,
                    clock: clock,
                    policy: configuration.retry,
                    stop: stop,
                    logger: logger
                )
                pass.existing = try await listing.list(sandboxes: scan.sandboxes)
            } catch {
                stop.stop(.runError(error))
            }
            try await pass.process(client: client)
        } catch {
            await transport.shutdown()
            // Outcomes queued so far still go to disk: fewer look-ups for the next run.
            try? await journal.flush()
            throw error
        }
        await transport.shutdown()
        try await journal.flush()
        try writer.finish()
        return summary(started: started, rows: pass.sequence)
    }

    var validator: RowValidator {
        RowValidator(defaultSandbox: configuration.defaultSandbox, today: configuration.today)
    }

    /// Reads the journal for this output, or moves it aside with `--restart`.
    private func loadJournal() throws -> ResumeState? {
        let path = configuration.journalPath
        if configuration.restart {
            if let moved = try JournalFiles.moveAside(path) {
                notify("note: --restart: the earlier journal was moved to \(moved)")
            }
            return nil
        }
        guard let resume = try ResumeState.load(path: path, matching: configuration.manifest) else { return nil }
        if resume.manifest.input != configuration.manifest.input {
            notify(
                "note: the journal was written for \(resume.manifest.input); rows of \(configuration.manifest.input) are matched to it by sandbox and name"
            )
        }
        for note in resume.notes { notify("note: \(note)") }
        let done = resume.entries.values.filter { $0.done != nil }.count
        let pending = resume.entries.values.filter { $0.lookUpFirst }.count
        notify(
            "note: resuming from \(path): \(RunSummary.plural(done, "row")) done earlier"
                + (pending > 0 ? ", \(pending) sent without a known answer (looked up by name before anything is sent)" : "")
        )
        return resume
    }

    private func summary(started: ContinuousClock.Instant, rows: Int) -> RunSummary {
        let snapshot = statistics.snapshot
        let reason = stop.reason
        let exitCode: Int32
        switch reason {
        case .interrupted: exitCode = 130
        case .runError: exitCode = 2
        case nil:
            exitCode = snapshot.count(.created) + snapshot.count(.exists) == snapshot.done ? 0 : 1
        }
        let stoppedBecause: String? =
            switch reason {
            case .interrupted: "interrupted; requests in flight were finished and the journal flushed"
            case .runError(let error): error.description
            case nil: nil
            }
        return RunSummary(
            rows: rows,
            counts: snapshot.counts,
            topErrors: snapshot.errors.map { RunSummary.ErrorCount(code: $0.key, count: $0.value.count, message: $0.value.message) }
                .sorted { ($1.count, $0.code) < ($0.count, $1.code) }.prefix(5).map { $0 },
            requests: snapshot.requests,
            p50: snapshot.latency.percentile(0.5),
            p95: snapshot.latency.percentile(0.95),
            p99: snapshot.latency.percentile(0.99),
            elapsedSeconds: (ContinuousClock.now - started).seconds,
            resultsPath: AbsolutePath.of(configuration.resultsPath),
            journalPath: AbsolutePath.of(configuration.journalPath),
            recovered: snapshot.recovered,
            changedSinceCreated: snapshot.changedSinceCreated,
            stoppedBecause: stoppedBecause,
            exitCode: exitCode
        )
    }
}

/// A problem with settings or local files that stops a run before it sends anything (exit 64).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// Runs set-up that comes before anything is sent: a journal or results file that cannot be
    /// used there is a configuration error (exit 64, nothing sent), not a run error (exit 2, which
    /// says that running again resumes, while it would only meet the same file).
    static func beforeSending<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RunError where error.code == .localFile {
            throw ConfigurationError(error.message)
        }
    }
}
