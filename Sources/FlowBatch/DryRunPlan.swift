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
        let preparation = try RunPreparation(configuration, validator: validator, notify: notify)
        let scan = preparation.scan
        var chain: ChainRows?
        var existing = ExistingConnections()
        let refusals = SandboxRefusals()
        var authSpecs = ConnectionAuthSpecs.builtIn
        if let oauth = configuration.oauthSpecName { authSpecs.oauthName = oauth }
        if let session {
            let client = session.client
            // After the file is checked: a file refused whole sends nothing at all. Credentials IMS
            // refuses are a configuration error here too (exit 64), as in the run.
            try await client.startToken()
            (authSpecs, chain) = try await ChainRows.readSpecs(
                configuration.chain,
                input: configuration.input,
                limit: configuration.limit,
                sandbox: configuration.defaultSandbox,
                oauthOverride: configuration.oauthSpecName,
                extraHeaders: preparation.columns.extraHeaders,
                session: session,
                notify: notify
            )
            // Read-only, and listed as the run would list: retried, and paced by --rate (the client's).
            let listing = ExistingConnectionsListing(
                client: client,
                retrier: session.retrier(.read),
                logger: client.logger,
                refusals: refusals,
                inFlight: configuration.lookUpsInFlight
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
            if configuration.chain.goesPastConnection {
                notify(
                    "note: without credentials the connection spec's source params, the flow spec and the datasets"
                        + " cannot be read: only the base connections are planned"
                )
            }
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
        var chainCreates = 0
        var decision = RowDecision(
            validator: validator,
            duplicates: scan.duplicates,
            resume: resume,
            key: key.map { Digest.Keyed(key: $0.bytes) },
            ifExists: configuration.ifExists,
            refusals: refusals,
            notify: notify,
            chain: chain
        )
        decision.existing = existing
        decision.authSpecs = authSpecs
        while rows < configuration.limit ?? .max {
            let line: [String]? = try cursor.nextRow { row in
                rows += 1
                let decided = decision.decide(row, sequence: rows - 1)
                var lines: [String]
                switch decided {
                case .outcome(let outcome, _, let recovered, _, let earlier):
                    lines = describe(outcome, row: row.row, recovered: recovered, earlier: earlier)
                case .job(let job):
                    switch job.operation {
                    case .settled(let settled):
                        lines = describe(
                            settled.outcome,
                            row: row.row,
                            recovered: settled.recovered,
                            earlier: settled.earlier
                        )
                    case .update, .create:
                        lines = describe(job, row: row.row)
                    }
                    if let plan = job.chain, let chain {
                        let planned = Self.chainLines(plan, specs: chain.specs, job: job)
                        chainCreates += planned.creates
                        lines += planned.lines
                    }
                }
                return lines
            }
            guard let line else { break }
            line.forEach(print)
        }
        /// The lines of a row settled without a request for its base connection, counted.
        func describe(_ outcome: RowOutcome, row: Int, recovered: Bool, earlier: Bool) -> [String] {
            counts[outcome.status, default: 0] += 1
            if earlier { earlierCounts[outcome.status, default: 0] += 1 }
            let quotedName = "\"\(outcome.name)\" in \(outcome.sandbox)"
            let id = outcome.connectionID ?? ""
            if earlier, recovered {
                doneEarlier += 1
                return ["row \(row): created by an earlier run whose answer was lost: \(quotedName) (id \(id))"]
            }
            if earlier {
                doneEarlier += 1
                let changed = outcome.errorCode.map { _ in ": " + (outcome.error ?? "") } ?? ""
                return ["row \(row): done earlier: \(outcome.status.rawValue) \(quotedName) (id \(id))\(changed)"]
            }
            switch outcome.status {
            case .invalid: return ["row \(row): invalid: \(outcome.error ?? "")"]
            case .unchanged:
                let note = outcome.error.map { ": \($0)" } ?? ""
                return ["row \(row): unchanged \(quotedName) (id \(id))\(note)"]
            case .exists:
                existingNow += 1
                return ["row \(row): exists \(quotedName) (id \(id))"]
            default:
                return ["row \(row): would fail: \(outcome.error ?? "") [\(outcome.errorCode ?? "")]"]
            }
        }
        /// The lines of a row whose base connection would be sent, counted.
        func describe(_ job: RowJob, row: Int) -> [String] {
            let request = job.request
            let quotedName = "\"\(request.name)\" in \(request.sandbox)"
            if case .update(let id, _, let description) = job.operation {
                counts[.updated, default: 0] += 1
                toUpdate += 1
                let body = ConnectionBody.patch(request, description: description, maskSecrets: true)
                return [
                    "row \(row): update \(quotedName) (id \(id))",
                    "  PATCH /connections/\(id) " + String(decoding: body, as: UTF8.self),
                ]
            }
            counts[.created, default: 0] += 1
            toSend += 1
            let body = ConnectionBody.encode(request, authSpecs: authSpecs, maskSecrets: true)
            let unsure =
                resume?.entry(sandbox: request.sandbox, name: request.name)?.lookUpFirst == true && session == nil
                ? " (sent by an earlier run without an answer: looked up first)" : ""
            return [
                "row \(row): create \(quotedName) (\(request.credentials.kind.rawValue))\(unsure)",
                "  POST /connections " + String(decoding: body, as: UTF8.self),
            ]
        }
        let invalid = counts[.invalid] ?? 0
        let failing = counts[.failed] ?? 0
        let chainPart = chain.map { _ in "\(chainCreates) chain resources to create (or reuse), " } ?? ""
        print(
            "plan for \(rows) rows: \(toSend) to create, " + chainPart
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

    /// What the rest of a row's chain would send: each step's body (the chain's resources hold no
    /// secret), or the ID an earlier run recorded; IDs not made yet are shown as `<source id>`.
    static func chainLines(_ plan: ChainPlan, specs: ChainSpecs, job: RowJob) -> (lines: [String], creates: Int) {
        var lines: [String] = []
        var creates = 0
        let request = job.request
        var ids = plan.knownIDs
        let connectionID =
            if case .settled(let settled) = job.operation { settled.outcome.connectionID ?? "<connection id>" } else {
                "<connection id>"
            }
        // IDs not made yet stand as placeholders in the bodies shown.
        ids.sourceID = ids.sourceID ?? (plan.steps.contains(.source) ? "<source id>" : nil)
        ids.targetID = ids.targetID ?? (plan.steps.contains(.target) ? "<target id>" : nil)
        for step in plan.steps {
            let noun = ResourceKind.of(step).noun
            if let id = plan.knownIDs[step] {
                lines.append("  \(step.rawValue): done earlier: \(noun) \(id)")
                continue
            }
            guard
                let create = plan.create(
                    step,
                    specs: specs,
                    sandbox: request.sandbox,
                    connectionID: connectionID,
                    chain: ids
                )
            else { continue }
            let reuse =
                connectionID == "<connection id>"
                ? "" : " (a \(noun) found by \(create.lookUpFilters.joined(separator: " and ")) is reused)"
            lines.append(
                "  \(step.rawValue): POST \(create.kind.path)\(reuse) " + String(decoding: create.body, as: UTF8.self)
            )
            creates += 1
        }
        return (lines, creates)
    }
}
