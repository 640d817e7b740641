import ArgumentParser
import Logging

/// `--log-level`: how much flowbatch logs on stderr. Logs never hold a secret at any level.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    @Flag(name: .shortAndLong, help: "Print only errors and the summary: no notes, warnings or progress.")
    var quiet = false

    /// The logger at `--log-level`; applies `--quiet` to the console first.
    func makeLogger() -> Logger {
        if quiet { Console.quiet = true }
        var logger = Logger(label: "flowbatch") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
