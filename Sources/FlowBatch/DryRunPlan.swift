import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// `--dry-run`: what a run would do, row by row, sending nothing that writes. Validates every row,
/// and where credentials are given lists the existing connections (read-only) so that rows whose
/// name is taken show as *exists*; prints each request body with secrets masked as `***`.
public struct DryRunPlan: Sendable {
    public let configuration: RunConfiguration
    /// The session for read-only look-ups, when credentials were given.
    public let session: FlowServiceSession<ContinuousClock>?
    let validator: RowValidator

    public init(configuration: RunConfiguration, session: FlowServiceSession<ContinuousClock>?) {
        self.configuration = configuration
        self.session = session
        var validator = RowValidator(defaultSandbox: configuration.defaultSandbox, today: configuration.today)
        validator.secretsMayBeKept = configuration.ifExists == .update
        self.validator = validator
    }

    /// Prints the plan with `print` (one or more lines per row, then a line of counts; stdout) and
    /// notes with `notify` (stderr, as the run does), and returns its counts, by the status each row
    /// would end with.
    public func run(print: (String) -> Void, notify: @escaping @Sendable (String) -> Void) async throws -> RunSummary {
        let started = ContinuousClock.now
        let scan = try RunPreparation(configuration, validator: validator, notify: notify).scan
        var existing = ExistingConnections()
        let refusals = SandboxRefusals()
        var authSpecs = ConnectionAuthSpecs.builtIn
        if let oauth = configuration.oauthSpecName { authSpecs.oauthName = oauth }
        if let session {
            let client = session.client
            // After the file is checked: a file refused whole sends nothing at all. Credentials IMS
            // refuses are a configuration error here too (exit 64), as in the run.
            try await client.startToken()
            authSpecs = try await ConnectionSpecReading.read(
                client: client,
                sandbox: configuration.defaultSandbox,
                oauthOverride: configuration.oauthSpecName,
                notify: notify
            )
            // Read-only, and listed as the run would list: retried, and paced by --rate (the client's).
            let listing = ExistingConnectionsListing(
                client: client,
                retrier: session.retrier(.read),
                logger: client.logger,
                refusals: refusals
            )
            do {
                existing = try await listing.list(sandboxes: scan.sandboxes, names: scan.names)
            } catch {
                throw error.suggestingFlowServicePath(endpoint: configuration.platform.endpoint)
            }
            if let error = refusals.stopsEveryRow(of: scan.sandboxes) {
                notify("note: a run would stop before sending anything: \(error.message)")
            }
        } else {
            notify("note: no Platform credentials given: existing names are not looked up")
        }
        // As the run would: --restart sets the journal aside, and another run's journal is refused.
        let resume =
            configuration.restart
            ? nil : try ResumeState.load(path: configuration.journalPath, matching: configuration.manifest)
        var cursor = try configuration.input.open()
        var counts: [RowStatus: Int] = [:]
        // Rows an earlier run settled: counted in `counts` too, and no change a run would make.
        var earlierCounts: [RowStatus: Int] = [:]
        var toSend = 0
        var toUpdate = 0
        // Read, never created: a dry run writes nothing.
        let key = JournalKey.load(path: configuration.journalKeyPath)
        var doneEarlier = 0
        var existingNow = 0
        var rows = 0
        var decision = RowDecision(
            validator: validator,
            duplicates: scan.duplicates,
            resume: resume,
            key: key.map { Digest.Keyed(key: $0.bytes) },
            ifExists: configuration.ifExists,
            refusals: refusals,
            notify: notify
        )
        decision.existing = existing
        decision.authSpecs = authSpecs
        while rows < configuration.limit ?? .max {
            let line: [String]? = try cursor.nextRow { row in
                rows += 1
                switch decision.decide(row, sequence: rows - 1) {
                case .outcome(let outcome, _, let recovered, _, let earlier):
                    counts[outcome.status, default: 0] += 1
                    if earlier { earlierCounts[outcome.status, default: 0] += 1 }
                    let quotedName = "\"\(outcome.name)\" in \(outcome.sandbox)"
                    let id = outcome.connectionID ?? ""
                    if earlier, recovered {
                        doneEarlier += 1
                        return [
                            "row \(row.row): created by an earlier run whose answer was lost: \(quotedName) (id \(id))"
                        ]
                    }
                    if earlier {
                        doneEarlier += 1
                        let changed = outcome.errorCode.map { _ in ": " + (outcome.error ?? "") } ?? ""
                        return [
                            "row \(row.row): done earlier: \(outcome.status.rawValue) \(quotedName) (id \(id))\(changed)"
                        ]
                    }
                    switch outcome.status {
                    case .invalid: return ["row \(row.row): invalid: \(outcome.error ?? "")"]
                    case .unchanged:
                        let note = outcome.error.map { ": \($0)" } ?? ""
                        return ["row \(row.row): unchanged \(quotedName) (id \(id))\(note)"]
                    case .exists:
                        existingNow += 1
                        return ["row \(row.row): exists \(quotedName) (id \(id))"]
                    default:
                        return ["row \(row.row): would fail: \(outcome.error ?? "") [\(outcome.errorCode ?? "")]"]
                    }
                case .job(let job):
                    let request = job.request
                    let quotedName = "\"\(request.name)\" in \(request.sandbox)"
                    switch job.operation {
                    case .update(let id, _, let description):
                        counts[.updated, default: 0] += 1
                        toUpdate += 1
                        let body = ConnectionBody.patch(request, description: description, maskSecrets: true)
                        return [
                            "row \(row.row): update \(quotedName) (id \(id))",
                            "  PATCH /connections/\(id) " + String(decoding: body, as: UTF8.self),
                        ]
                    case .create:
                        counts[.created, default: 0] += 1
                        toSend += 1
                        let body = ConnectionBody.encode(request, authSpecs: authSpecs, maskSecrets: true)
                        let unsure =
                            resume?.entry(sandbox: request.sandbox, name: request.name)?.lookUpFirst == true
                                && session == nil
                            ? " (sent by an earlier run without an answer: looked up first)" : ""
                        return [
                            "row \(row.row): create \(quotedName) (\(request.credentials.kind.rawValue))\(unsure)",
                            "  POST /connections " + String(decoding: body, as: UTF8.self),
                        ]
                    }
                }
            }
            guard let line else { break }
            line.forEach(print)
        }
        let invalid = counts[.invalid] ?? 0
        let failing = counts[.failed] ?? 0
        print(
            "plan for \(rows) rows: \(toSend) to create, "
                + (configuration.ifExists == .update
                    ? "\(toUpdate) to update, \(counts[.unchanged] ?? 0) unchanged, " : "")
                + "\(doneEarlier) done earlier, \(existingNow) exist,"
                + " \(invalid) invalid\(failing > 0 ? ", \(failing) in a sandbox the service refuses" : ""); nothing was sent"
        )
        return RunSummary(
            rows: rows,
            counts: counts,
            topErrors: [],
            earlier: earlierCounts,
            requests: 0,
            elapsedSeconds: (ContinuousClock.now - started).seconds,
            resultsPath: AbsolutePath.of(configuration.resultsPath),
            journalPath: nil,
            recovered: 0,
            changedSinceCreated: 0,
            stoppedBecause: nil,
            exitCode: ExitStatus.finished(allDone: invalid + failing == 0).rawValue,
            dryRun: true
        )
    }
}
