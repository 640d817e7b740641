import ArgumentParser
import FlowBatch
import FlowBatchEngine
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import Foundation

/// `flowbatch export`: the sandbox's generic REST connections as CSV in the input format.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "List the generic REST connections of sandboxes as a CSV in the input format, without secrets.",
        discussion: """
            One row per connection: name, description, sandbox, auth, host, username, the OAuth params that are \
            not secret, then connection_id, etag and created (ISO 8601). The secret columns (password, \
            clientSecret, accessToken, refreshToken) are present and empty: filled in, the file is input for \
            'flowbatch run --if-exists update'. A value a spreadsheet would run as a formula (starting with = + - @, \
            a tab or a carriage return) gets a leading ', as in the results; flowbatch removes it again when it \
            reads the file, so names still match. Secrets in a URL's query string or user info are masked. \
            Streamed page by page.

            Exit status: 0 every sandbox was exported; 1 a sandbox the service refuses (missing, no permission) \
            was left out; 2 the export stopped on a run error; 64 bad options or settings; 130 interrupted.
            """
    )

    @OptionGroup var platform: PlatformOptions

    @Option(help: "Where to write the CSV; '-' for standard output (the default).", completion: .file())
    var out: String = "-"

    @OptionGroup var retryOptions: RetryOptions

    @OptionGroup var timeoutOptions: TimeoutOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let (resolved, settings) = try platform.resolveCredentials()
        let target: OutputTarget
        do {
            target = try OutputTarget.resolve(out, role: "--out", standardOutput: true)
            try OutputPaths.check([.init(target, replacesOnlyOwnFiles: true)], input: nil)
        } catch {
            throw Failure.exit(.configuration, "error: \(error)")
        }
        let path = target.kind == .standardOutput ? nil : out
        let sandboxes = platform.sandbox.isEmpty ? [resolved.defaultSandbox] : platform.sandbox
        let stop = StopSignal()
        let summary: ConnectionExport.Summary
        do {
            let network = try platform.resolveNetwork(for: settings)
            summary = try await Lifecycle.run(stop: stop, progress: nil, logger: logger) {
                [timeout = timeoutOptions.duration, maxAttempts = retryOptions.maxAttempts] in
                let session = FlowServiceSession<ContinuousClock>.Configuration(
                    platform: settings,
                    network: network,
                    timeout: timeout,
                    retry: RetryPolicy(maxAttempts: maxAttempts)
                )
                return try await FlowServiceSession.with(session, clock: ContinuousClock(), stop: stop, logger: logger)
                {
                    try await ConnectionExport(session: $0, sandboxes: sandboxes).run(into: target)
                }
            }
        } catch {
            throw Failure.from(error)
        }
        let refused = Set(summary.refused.map(\.sandbox))
        for (sandbox, count) in summary.written where !refused.contains(sandbox) {
            Console.err("sandbox \(sandbox): \(count) connection\(count == 1 ? "" : "s")")
        }
        for (sandbox, message) in summary.refused {
            Console.err("error: sandbox \(sandbox) was left out: \(message)")
        }
        if summary.stopped {
            Console.err("interrupted: nothing was written" + (path.map { " to \($0)" } ?? " past the rows above"))
            throw ExitCode(ExitStatus.interrupted.rawValue)
        }
        if let path { Console.err("Exported to \(path)") }
        if !summary.refused.isEmpty { throw ExitCode(1) }
    }
}
