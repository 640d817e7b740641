import ArgumentParser
import FlowBatch
import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import Foundation
import Logging
import ServiceLifecycle

/// `flowbatch run`: creates one connection per row.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create one generic REST API base connection per row of the input.",
        discussion: """
            Platform credentials come from the environment or --config, never from flags: AEP_CLIENT_ID + \
            AEP_CLIENT_SECRET (+ AEP_SCOPES) for tokens fetched from IMS and renewed, or AEP_ACCESS_TOKEN; \
            AEP_ORG_ID; AEP_API_KEY (defaults to the client ID); AEP_SANDBOX. --config reads aepp's config file \
            or the Developer Console's project JSON; variables override its values, with a note. The first token \
            is fetched before anything is written.

            Proxies are read as curl reads them: https_proxy (or HTTPS_PROXY), http_proxy, all_proxy and \
            no_proxy (or NO_PROXY), as http://[user:password@]host:port. Certificates are always verified; \
            --ca-file adds trusted CAs, SSL_CERT_FILE replaces the system trust store.

            The OAuth and basic auth spec names are read from the service's connection spec at the start \
            (--oauth-spec-name overrides). With --if-exists update, rows whose connection exists are patched to \
            match the spreadsheet (credential rotation) or left unchanged.

            Running the same command again resumes: rows already created are not sent again.

            Exit status: 0 every row is created, exists, updated or unchanged; 1 some rows are invalid, failed or \
            not run; 2 the run stopped on a run error; 64 bad options or settings, --out naming the input or a \
            directory, or credentials, a key or a certificate refused at the start (no journal is left); 65 the \
            input is not a usable CSV; \
            66 the input cannot be read; 130 interrupted.
            """
    )

    @Argument(help: "The input CSV file.", completion: .file())
    var file: String

    @Option(help: "The results CSV (default: <input>.results.csv beside the input).", completion: .file())
    var out: String?

    @OptionGroup var concurrencyOptions: ConcurrencyOptions

    @Option(help: "Requests per second at most, all kinds together (default: no limit).")
    var rate: Double?

    @OptionGroup var retryOptions: RetryOptions

    @OptionGroup var timeoutOptions: TimeoutOptions

    @Option(
        help: ArgumentHelp(
            "How long to wait for a service that answers nothing before the run stops (exit 2; resumable).",
            valueName: "duration"
        )
    )
    var outageLimit: DurationOption = DurationOption(.seconds(600))

    @OptionGroup var platform: PlatformOptions

    @Option(
        help:
            "A row whose name already exists in the sandbox: 'skip' records it as exists, 'update' patches the connection to match the row (credential rotation), 'create' creates another."
    )
    var ifExists: IfExistsOption = .skip

    @Flag(
        help:
            "Move an earlier journal for this output aside and start over; what it records as created stays created (undo deletes it)."
    )
    var restart = false

    @Flag(help: "Show what would happen, row by row, and send nothing that writes.")
    var dryRun = false

    @Flag(
        help:
            "With --dry-run, for CI gates (Terraform's convention): exit 0 when nothing would change, 2 when rows would be created or updated, 1 when a row is invalid or would fail."
    )
    var detailedExitcode = false

    @Option(help: "Process only the first N data rows (a canary).")
    var limit: Int?

    @Option(
        help:
            "The OAuth auth spec name to send (default: the name the service's connection spec lists, else 'OAuth2 Refresh Code')."
    )
    var oauthSpecName: String?

    @OptionGroup var progressOptions: ProgressOptions

    @Option(
        help:
            "Also write the summary as JSON to this path; '-' for standard output (the summary text then goes to stderr).",
        completion: .file()
    )
    var summaryJSON: String?

    @OptionGroup var input: InputOptions

    @OptionGroup(title: "Onboarding chain") var chain: ChainCommandOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if file == "-" {
            throw ValidationError(
                "run needs the input as a file, not standard input: it reads it twice (a first pass counts the rows"
                    + " and finds repeated names), and running it again resumes from it; save it first"
                    + " (e.g. cat > sources.csv), or check standard input with: flowbatch validate -"
            )
        }
        if detailedExitcode, !dryRun {
            throw ValidationError("--detailed-exitcode goes with --dry-run (the exit status of a plan)")
        }
        try platform.requireOneSandbox()
        if let rate, !(rate > 0) { throw ValidationError("--rate must be more than 0") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let oauthSpecName, oauthSpecName.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--oauth-spec-name must not be empty")
        }
    }

    func run() async throws {
        let logger = logging.makeLogger()
        let resolved = try platform.resolveForCommand()
        let network = try platform.resolveNetwork(for: resolved.settings)
        let resultsPath = out ?? OutputPaths.defaultResults(for: file)
        let placeholder = PlatformSettings(
            endpoint: resolved.endpoint,
            imsURL: "",
            orgID: "",
            apiKey: "",
            authentication: .accessToken(Secret(""))
        )
        var configuration = RunConfiguration(
            input: try input.inputFile(path: file),
            resultsPath: resultsPath,
            platform: resolved.settings ?? placeholder
        )
        configuration.concurrency = concurrencyOptions.concurrency
        configuration.rate = rate
        configuration.retry.maxAttempts = retryOptions.maxAttempts
        configuration.timeout = timeoutOptions.duration
        configuration.outageLimit = outageLimit.duration
        configuration.network = network
        configuration.defaultSandbox = resolved.defaultSandbox
        configuration.ifExists = ifExists.value
        configuration.restart = restart
        configuration.limit = limit
        configuration.summaryJSONPath = summaryJSON
        configuration.oauthSpecName = oauthSpecName
        configuration.today = Today.text()
        configuration.journalSynchronous = Environment.value("FLOWBATCH_BENCH_JOURNAL_NO_SYNC") == nil
        configuration.chain = try chain.chainOptions()
        configuration.input.sourceParamsFollow = configuration.chain.goesPastConnection

        if dryRun {
            try await runDryRun(configuration, settings: resolved.settings, logger: logger)
            return
        }
        guard resolved.settings != nil else {
            throw Failure.exit(.configuration, "error: \(resolved.missing ?? "no Platform credentials")")
        }
        let stop = StopSignal()
        let statistics = RunStatistics()
        let run = BatchRun(
            configuration: configuration,
            clock: ContinuousClock(),
            stop: stop,
            statistics: statistics,
            logger: logger,
            notify: { Console.err($0) }
        )
        let summary = try await progressOptions.progress.running(statistics, stop: stop, logger: logger) {
            try await run.run()
        }
        printSummary(summary.text)
        Console.flush()
        if case .runError(let error) = stop.reason {
            Console.err("error: \(error)")
        }
        try writeSummaryJSON(summary)
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    private func runDryRun(_ configuration: RunConfiguration, settings: PlatformSettings?, logger: Logger) async throws
    {
        let printsTo = summaryJSON
        let plan = { @Sendable (session: FlowServiceSession<ContinuousClock>?) in
            try await DryRunPlan(configuration: configuration, session: session).run(
                print: { printsTo == "-" ? Console.err($0) : Console.out($0) },
                notify: { Console.err($0) }
            )
        }
        let summary: RunSummary
        do {
            // Under the lifecycle as the run is: Ctrl-C ends the look-ups, a second one quits.
            let stop = StopSignal()
            summary = try await Lifecycle.run(stop: stop, progress: nil, logger: logger) {
                guard settings != nil else { return try await plan(nil) }
                // The plan's look-ups keep to --rate and the retry options as the run's would.
                let session = configuration.session(ContinuousClock.self)
                return try await FlowServiceSession.with(session, clock: ContinuousClock(), stop: stop, logger: logger)
                {
                    try await plan($0)
                }
            }
        } catch {
            throw Failure.from(error)
        }
        Console.flush()
        try writeSummaryJSON(summary)
        if detailedExitcode {
            // 1 wins over 2: a plan with an invalid row is not one to apply.
            let changes = [RowStatus.created, .updated].map { summary.count($0) - (summary.earlier[$0] ?? 0) }
                .reduce(0, +)
            let status: Int32 = summary.exitCode != 0 ? 1 : changes > 0 ? 2 : 0
            if status != 0 { throw ExitCode(status) }
            return
        }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// The summary text: on stdout, or on stderr when stdout carries `--summary-json -`.
    private func printSummary(_ text: String) {
        if summaryJSON == "-" { Console.err(text) } else { Console.out(text) }
    }

    /// Writes `--summary-json`: through a link to its target, in place for a device or FIFO, to stdout
    /// for `-`, else into a temporary file renamed into place (``OutputTarget``). The path was checked
    /// before anything was sent.
    private func writeSummaryJSON(_ summary: RunSummary) throws {
        guard let summaryJSON else { return }
        Console.flush()
        do {
            let target = try OutputTarget.resolve(summaryJSON, role: "--summary-json", standardOutput: true)
            try target.write(summary.json)
        } catch {
            throw Failure.exit(.someRowsNotDone, "error: cannot write --summary-json \(summaryJSON): \(error)")
        }
    }
}

/// `--if-exists`.
enum IfExistsOption: String, ExpressibleByArgument, CaseIterable {
    case skip, update, create

    var value: RunConfiguration.IfExists {
        switch self {
        case .skip: .skip
        case .update: .update
        case .create: .create
        }
    }
}

/// `--progress`.
enum ProgressOption: String, ExpressibleByArgument, CaseIterable {
    case auto, bar, log, none

    /// Runs `work` under the command's ``Lifecycle``, with the progress line (or log lines) on stderr until it
    /// ends; an error becomes the command's message and exit status.
    func running<T: Sendable>(
        _ statistics: RunStatistics,
        line: @escaping ProgressReporter.Line = { ProgressReporter.line($0, rate: $1, width: $2) },
        stop: StopSignal,
        services: [any Service] = [],
        logger: Logger,
        _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let reporter = ProgressReporter(statistics: statistics, mode: resolved, line: line) { Console.errRaw($0) }
        do {
            return try await Lifecycle.run(stop: stop, progress: reporter, services: services, logger: logger, work)
        } catch {
            throw Failure.from(error)
        }
    }

    var resolved: ProgressReporter.Mode {
        if Console.quiet { return .none }
        switch self {
        case .auto: return Console.stderrIsTerminal ? .bar : .log
        case .bar: return .bar
        case .log: return .log
        case .none: return .none
        }
    }
}
