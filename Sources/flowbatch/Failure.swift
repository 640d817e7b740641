import ArgumentParser
import FlowBatch
import FlowBatchIngest
import FlowBatchModel

/// Turns errors into a message on stderr and the exit status the command-line contract gives them.
enum Failure {
    /// Prints `message` and exits with `code`.
    static func exit(_ status: ExitStatus, _ message: String) -> ExitCode {
        Console.flush()
        Console.err(message)
        return ExitCode(status.rawValue)
    }

    /// The message and status for an error thrown before or during a run.
    static func from(_ error: any Error) -> any Error {
        if let error = error as? ExitCode { return error }
        return exit(ExitStatus.of(error), "error: \(error)")
    }
}
