import ArgumentParser
import Logging

/// `--log-level`: how much flowbatch logs on stderr. Logs never hold a secret at any level.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    func makeLogger() -> Logger {
        var logger = Logger(label: "flowbatch") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
