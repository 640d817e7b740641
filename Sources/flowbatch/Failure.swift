import ArgumentParser
import FlowBatch
import FlowBatchIngest
import FlowBatchModel

/// Turns errors into a message on stderr and the exit status the command-line contract gives them.
enum Failure {
    /// Prints `message` and exits with `code`.
    static func exit(_ code: Int32, _ message: String) -> ExitCode {
        Console.flush()
        Console.err(message)
        return ExitCode(code)
    }

    /// The message and status for an error thrown before or during a run.
    static func from(_ error: any Error) -> any Error {
        switch error {
        case let error as InputError: return exit(error.exitCode, "error: \(error)")
        case let error as ConfigurationError: return exit(64, "error: \(error)")
        case let error as RunError: return exit(2, "error: \(error)")
        // A temporary folder that cannot be used stops the input check, before anything is sent.
        case let error as DuplicateNameFinderError: return exit(64, "error: \(error)")
        case let error as ExitCode: return error
        default: return exit(1, "error: \(error)")
        }
    }
}
