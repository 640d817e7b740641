import ArgumentParser
import FlowBatch
import Foundation

/// `flowbatch undo`: deletes the connections a run created.
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Delete the connections that runs recorded as created in a results file.",
        discussion: """
            Only rows with status 'created' are deleted, never 'exists' (those were not created by flowbatch). \
            Asks first; --yes skips the question. A connection already gone (404) counts as deleted. Writes one \
            result per row to <results>.undo.csv, and running the same command again resumes.
            """
    )

    @Argument(help: "A results file written by 'flowbatch run'.")
    var results: String

    @Flag(help: "Delete without asking.")
    var yes = false

    @Option(help: "Requests in flight at most.")
    var concurrency: Int = 8

    @Option(help: "Tries per connection for transient failures.")
    var maxAttempts: Int = 5

    @Option(help: "Seconds per request.")
    var timeout: Double = 30

    @OptionGroup var platform: PlatformOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard concurrency >= 1, concurrency <= 4096 else { throw ValidationError("--concurrency must be between 1 and 4096") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    func run() async throws {
        let logger = logging.makeLogger()
        let resolved = try platform.resolveForCommand()
        guard let settings = resolved.settings else {
            throw Failure.exit(64, "error: \(resolved.missing ?? "no Platform credentials")")
        }
        let network = try platform.resolveNetwork(for: settings)
        guard FileManager.default.fileExists(atPath: results) else {
            throw Failure.exit(66, "error: \(results): no such file")
        }
        let plan: UndoRun<ContinuousClock>.Plan
        do {
            plan = try UndoRun<ContinuousClock>.plan(resultsPath: results)
            try checkJournal(settings: settings)
        } catch {
            throw Failure.from(error)
        }
        guard !plan.targets.isEmpty else {
            Console.out("nothing to undo: \(results) lists no created connections (\(plan.existing) existing ones are never deleted)")
            return
        }
        let question =
            "Delete \(plan.targets.count) connection\(plan.targets.count == 1 ? "" : "s") created by flowbatch"
            + " (sandbox \(plan.sandboxes.joined(separator: ", "))) at \(settings.endpoint)?"
            + (plan.existing > 0 ? " The \(plan.existing) rows marked 'exists' are left alone." : "")
        if !yes {
            guard isatty(0) != 0 else {
                throw Failure.exit(64, "error: \(question) Confirm with --yes (standard input is not a terminal to ask on)")
            }
            Console.errRaw(question + " Type 'yes' to delete: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                Console.err("nothing was deleted")
                throw ExitCode(1)
            }
        }
        let stop = StopSignal()
        let signals = SignalHandling.install(stop: stop)
        defer { signals.cancel() }
        let undoPath = results.lowercased().hasSuffix(".csv") ? String(results.dropLast(4)) + ".undo.csv" : results + ".undo.csv"
        let undo = UndoRun(
            resultsPath: results,
            undoPath: undoPath,
            settings: settings,
            concurrency: concurrency,
            policy: RetryPolicy(maxAttempts: maxAttempts),
            timeout: .milliseconds(Int64(timeout * 1000)),
            network: network,
            clock: ContinuousClock(),
            stop: stop,
            logger: logger
        )
        let summary: UndoRun<ContinuousClock>.Summary
        do {
            summary = try await undo.run(plan)
        } catch {
            throw Failure.from(error)
        }
        var text = "deleted \(summary.deleted), already gone \(summary.alreadyGone), failed \(summary.failed)"
        if summary.notRun > 0 { text += ", not run \(summary.notRun)" }
        Console.out(text)
        if let reason = summary.stoppedBecause { Console.out("Stopped early: \(reason)") }
        Console.out("Results: \(summary.undoPath)")
        if summary.failed + summary.notRun > 0 {
            Console.out("Running the same command again retries the rest.")
        }
        Console.flush()
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// Refuses to delete through another endpoint or org than the run used, when its journal says.
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
