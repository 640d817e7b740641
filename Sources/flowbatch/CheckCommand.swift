import ArgumentParser
import FlowBatch
import FlowBatchEngine
import FlowBatchIngest
import FlowServiceAPI
import Foundation

/// `flowbatch check`: a preflight without a CSV.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check the credentials, the connection spec and the sandboxes before a run; send nothing that writes.",
        discussion: """
            Gets a token (saying where each setting came from), reads the generic REST connection spec and prints \
            the auth spec names the service lists, and checks that each sandbox exists and can be listed: those \
            given with --sandbox (repeatable), else those of --input's sandbox column, else the default sandbox.

            Exit status: 0 everything can be used; 64 the credentials or settings are wrong; 2 the service \
            refuses a sandbox or the connection spec.
            """
    )

    @OptionGroup var platform: PlatformOptions

    @Option(
        help:
            "An input CSV whose sandboxes to check (its sandbox column, and the default sandbox); - for standard input.",
        completion: .file()
    )
    var input: String?

    @Option(help: "The OAuth auth spec name a run would send instead of the one the service lists.")
    var oauthSpecName: String?

    @OptionGroup var timeoutOptions: TimeoutOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let (resolved, settings) = try platform.resolveCredentials()
        let sandboxes: [String]
        if !platform.sandbox.isEmpty {
            sandboxes = platform.sandbox
        } else if let input {
            do {
                var file = InputFile(path: input == "-" ? "standard input" : input)
                if input == "-" { file.contents = Array(FileHandle.standardInput.readDataToEndOfFile()) }
                var header = try file.open()
                let validator = RowValidator(defaultSandbox: resolved.defaultSandbox, today: nil)
                sandboxes = try InputScan.run(&header, validator: validator, limit: nil).sandboxes
            } catch {
                throw Failure.from(error)
            }
        } else {
            sandboxes = [resolved.defaultSandbox]
        }
        var session = FlowServiceSession<ContinuousClock>.Configuration(platform: settings)
        session.network = try platform.resolveNetwork(for: settings)
        session.timeout = timeoutOptions.duration
        let oauthSpecName = self.oauthSpecName
        // Under the lifecycle as every other command: Ctrl-C ends the checks.
        let stop = StopSignal()
        let status = try await Lifecycle.run(stop: stop, progress: nil, logger: logger) { [session] in
            try await FlowServiceSession.with(session, clock: ContinuousClock(), stop: stop, logger: logger) {
                await Preflight(client: $0.client, sandboxes: sandboxes, oauthOverride: oauthSpecName).run {
                    Console.out($0)
                }
            }
        }
        Console.flush()
        if status != 0 { throw ExitCode(status) }
    }
}
