import ArgumentParser
import FlowBatch
import FlowBatchEngine
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import Foundation

/// What `undo` and `test` share: a results file of `flowbatch run`, the window and retry options,
/// the Platform settings, and the steps from reading the file to the operation's own results.
struct ResultsFileOptions: ParsableArguments {
    @Argument(help: "A results file written by 'flowbatch run'.", completion: .file())
    var results: String

    @OptionGroup var concurrencyOptions: ConcurrencyOptions

    @OptionGroup var retryOptions: RetryOptions

    @OptionGroup var timeoutOptions: TimeoutOptions

    @OptionGroup var progressOptions: ProgressOptions

    @OptionGroup var platform: PlatformOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if results == "-" {
            throw ValidationError(
                "undo and test need the results file itself, not standard input: its journal beside it says what"
                    + " the run created, and their own results and journal are written beside it"
            )
        }
        try platform.requireOneSandbox()
    }

    /// Where and as whom to talk to Platform, and through which network.
    struct Settings {
        var platform: PlatformSettings
        var network: NetworkSettings
    }

    /// `<results>` with `.csv` replaced by `.<suffix>.csv`.
    func outputPath(_ suffix: String) -> String {
        results.lowercased().hasSuffix(".csv")
            ? String(results.dropLast(4)) + ".\(suffix).csv" : results + ".\(suffix).csv"
    }

    /// The settings and what `operation` applies to; exits 64 or 66 with a message when it cannot start.
    func plan(
        _ operation: ConnectionsRun<ContinuousClock>.Operation
    ) throws -> (Settings, ConnectionsRun<ContinuousClock>.Plan) {
        let (_, platformSettings) = try platform.resolveCredentials()
        let settings = Settings(platform: platformSettings, network: try platform.resolveNetwork(for: platformSettings))
        guard FileManager.default.fileExists(atPath: results) else {
            throw Failure.exit(.unreadableInput, "error: \(results): no such file")
        }
        do {
            let plan = try ConnectionsRun<ContinuousClock>.plan(operation, resultsPath: results)
            try checkJournal(settings: platformSettings)
            return (settings, plan)
        } catch {
            throw Failure.from(error)
        }
    }

    /// Applies `operation` to the plan's connections, writing its results to `outputPath`; a first
    /// Ctrl-C finishes what is in flight, a second quits.
    func execute(
        _ operation: ConnectionsRun<ContinuousClock>.Operation,
        _ plan: ConnectionsRun<ContinuousClock>.Plan,
        settings: Settings,
        outputPath: String
    ) async throws -> ConnectionsRun<ContinuousClock>.Summary {
        let stop = StopSignal()
        let logger = logging.makeLogger()
        let session = FlowServiceSession<ContinuousClock>.Configuration(
            platform: settings.platform,
            network: settings.network,
            timeout: timeoutOptions.duration,
            concurrency: concurrencyOptions.concurrency,
            retry: RetryPolicy(maxAttempts: retryOptions.maxAttempts)
        )
        let run = ConnectionsRun(
            operation,
            resultsPath: results,
            outputPath: outputPath,
            session: session,
            clock: ContinuousClock(),
            stop: stop,
            logger: logger
        )
        return try await progressOptions.progress.running(
            run.statistics,
            line: ConnectionsRun<ContinuousClock>.progressLine(operation),
            stop: stop,
            logger: logger
        ) { try await run.run(plan) }
    }

    /// Refuses to act through another endpoint or org than the run used, when its journal says.
    private func checkJournal(settings: PlatformSettings) throws {
        guard let state = try ResumeState.load(path: results + ".journal") else { return }
        let now = JournalManifest(
            input: state.manifest.input,
            endpoint: settings.endpoint,
            org: settings.orgID,
            defaultSandbox: state.manifest.defaultSandbox,
            ifExists: state.manifest.ifExists,
            oauthSpecName: state.manifest.oauthSpecName
        )
        if let conflict = state.manifest.conflict(with: now) {
            throw ConfigurationError("\(results) was written by a run against another service: \(conflict)")
        }
    }
}
