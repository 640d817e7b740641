import ArgumentParser
import FlowBatch
import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowServiceAPI
import Foundation
import Logging

/// `flowbatch validate`: checks the file and every row, sends nothing. With `--through source|flow` it
/// first reads what the run reads before any write (the connection spec's source params, the flow spec,
/// the datasets and mapping sets), so that a row's source params are checked as the run checks them.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the input file and every row; send nothing (with --through, read the specs it needs).",
        discussion: """
            Prints one line per problem, 'row N: field: reason', then a count. Warnings and notes go to \
            stderr. Exit status: 0 every row is valid, 1 some rows are invalid, 65 the file is not a usable \
            CSV, 66 the file cannot be read, 64 a bad option. With --through source or flow it needs Platform \
            credentials, as run does: it reads (never writes) the connection spec, the flow spec, the datasets and \
            the mapping sets, and checks each row's source params, dataset and mapping set as run would. It takes \
            run's chain options (the schedule's are checked, not used).
            """
    )

    @Argument(help: "The input CSV file, or - for standard input.", completion: .file())
    var file: String

    @OptionGroup var input: InputOptions

    @Option(help: "Check only the first N data rows.")
    var limit: Int?

    @OptionGroup(title: "Onboarding chain") var chain: ChainCommandOptions

    @OptionGroup(title: "Platform") var platform: PlatformOptions

    @OptionGroup var timeoutOptions: TimeoutOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        try platform.requireOneSandbox()
    }

    func run() async throws {
        // --quiet (LoggingOptions'): only the problems and the count, no notes or warnings.
        let logger = logging.makeLogger()
        var inputFile = try input.inputFile(path: file == "-" ? "standard input" : file)
        // Standard input is read whole first: the reader reads its file by position.
        if file == "-" { inputFile.contents = Array(FileHandle.standardInput.readDataToEndOfFile()) }
        var sandbox = platform.sandbox.last ?? Environment.value("AEP_SANDBOX") ?? "prod"
        var checks: ChainRowChecks?
        let options = try chain.chainOptions()
        inputFile.sourceParamsFollow = options.goesPastConnection
        if options.goesPastConnection {
            let (resolved, settings) = try platform.resolveCredentials()
            sandbox = resolved.defaultSandbox
            checks = try await chainChecks(
                options,
                input: inputFile,
                sandbox: sandbox,
                settings: settings,
                logger: logger
            )
        }
        let validation = InputValidation(
            input: inputFile,
            validator: RowValidator(defaultSandbox: sandbox, today: Today.text()),
            limit: limit,
            moreChecks: checks.map { checks in { checks.problems($0) } }
        )
        let summary: InputValidation.Summary
        do {
            summary = try validation.run { event in
                switch event {
                case .note(let note): Console.err("note: \(note)")
                case .warning(let row, let warning): Console.err("warning: row \(row): \(warning)")
                case .problem(let row, let problem): Console.out("row \(row): \(problem)")
                }
            }
        } catch let error as InputError {
            Console.flush()
            Console.err("error: \(error)")
            throw ExitCode(error.exitStatus.rawValue)
        }
        Console.out(ValidateCommand.countLine(summary))
        Console.flush()
        if summary.invalid > 0 { throw ExitCode(1) }
    }

    /// What `run` reads before any write, read the same way (retried, under the lifecycle: Ctrl-C ends it).
    private func chainChecks(
        _ options: ChainOptions,
        input: InputFile,
        sandbox: String,
        settings: PlatformSettings,
        logger: Logger
    ) async throws -> ChainRowChecks? {
        let session = FlowServiceSession<ContinuousClock>.Configuration(
            platform: settings,
            network: try platform.resolveNetwork(for: settings),
            timeout: timeoutOptions.duration
        )
        let limit = self.limit
        let stop = StopSignal()
        do {
            return try await Lifecycle.run(stop: stop, progress: nil, logger: logger) { [session] in
                try await FlowServiceSession.with(session, clock: ContinuousClock(), stop: stop, logger: logger) {
                    try await ChainRowChecks.read(
                        options,
                        input: input,
                        limit: limit,
                        sandbox: sandbox,
                        oauthOverride: nil,
                        session: $0,
                        notify: { Console.err($0) }
                    )
                }
            }
        } catch {
            throw Failure.from(error)
        }
    }

    static func countLine(_ summary: InputValidation.Summary) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var line = "\(plural(summary.rows, "row")) checked: \(summary.valid) valid, \(summary.invalid) invalid"
        var details: [String] = []
        if summary.problems > 0 { details.append(plural(summary.problems, "problem")) }
        if summary.warnings > 0 { details.append(plural(summary.warnings, "warning")) }
        if !details.isEmpty { line += " (\(details.joined(separator: ", ")))" }
        return line
    }
}
