import ArgumentParser

/// `--timeout`, checked once for every command that sends requests.
struct TimeoutOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "How long one request may take (e.g. 30s, 2m; a bare number is seconds).",
            valueName: "duration"
        )
    )
    var timeout: DurationOption = DurationOption(.seconds(30))

    var duration: Duration { timeout.duration }
}

/// `--max-attempts`, checked once.
struct RetryOptions: ParsableArguments {
    @Option(help: "Tries per row (or connection, or page) for transient failures.")
    var maxAttempts: Int = 5

    func validate() throws {
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
    }
}

/// `--concurrency`, checked once.
struct ConcurrencyOptions: ParsableArguments {
    @Option(help: "Requests in flight at most (1 to 4096).")
    var concurrency: Int = 8

    func validate() throws {
        guard concurrency >= 1, concurrency <= 4096 else {
            throw ValidationError("--concurrency must be between 1 and 4096")
        }
    }
}

/// `--progress`, one way for every command that shows it.
struct ProgressOptions: ParsableArguments {
    @Option(help: "Progress on stderr: auto (a live line on a terminal, log lines otherwise), bar, log or none.")
    var progress: ProgressOption = .auto
}
