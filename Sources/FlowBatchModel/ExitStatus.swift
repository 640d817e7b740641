/// The exit statuses of the command-line contract (DESIGN.md, "Exit codes"): the one table that
/// every error and every ending of a command maps to.
public enum ExitStatus: Int32, Sendable {
    /// Every row is `created`, `exists`, `updated` or `unchanged` (every test passed).
    case success = 0
    /// The command finished; some rows are `invalid`, `failed` or `not-run`.
    case someRowsNotDone = 1
    /// A run error stopped the run early; running the same command again resumes.
    case runStopped = 2
    /// A usage or configuration error, found before anything was written.
    case configuration = 64
    /// The input is not a usable CSV.
    case unusableInput = 65
    /// The input does not exist or cannot be read.
    case unreadableInput = 66
    /// Interrupted (Ctrl-C or SIGTERM) after the requests in flight finished.
    case interrupted = 130

    /// The status `error` ends a command with.
    public static func of(_ error: any Error) -> ExitStatus {
        switch error {
        case let error as any ExitStatusProviding: error.exitStatus
        case is ConfigurationError: .configuration
        case is RunError: .runStopped
        default: .someRowsNotDone
        }
    }

    /// The status of `error` met before anything was written (a command's first token, its first
    /// reads, `check`): settings that are wrong (credentials IMS or the gateway refuse, an IMS URL that
    /// is no token service, a certificate not trusted) are a configuration error; the rest stops the run.
    public static func beforeWriting(_ error: RunError) -> ExitStatus {
        switch error.code {
        case .credentialsRefused, .notTokenService, .transport, .forbidden, .authenticationRejected: .configuration
        default: .runStopped
        }
    }

    /// The status of a command that ran to its end: success only when every row is done.
    public static func finished(allDone: Bool) -> ExitStatus { allDone ? .success : .someRowsNotDone }
}

/// An error that knows its exit status (an input error is 65 or 66, a bad option 64).
public protocol ExitStatusProviding: Error {
    var exitStatus: ExitStatus { get }
}
