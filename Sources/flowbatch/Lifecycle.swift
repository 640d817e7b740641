import FlowBatchEngine
import FlowBatchReport
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How `run`, `undo`, `test`, `export` and `demo` run and stop: the work is a service of a `ServiceGroup`, after
/// the progress line (and `demo`'s mock), and shuts down gracefully as `mock` does.
///
/// The first SIGINT or SIGTERM shuts the group down gracefully: the work's ``StopSignal`` fires (no new
/// request; those in flight finish, the journal is flushed, every row gets its result), then the progress
/// line ends, then the other services. A second one quits at once with status 130, removing the temporary
/// results file first; the journal stays consistent either way: every line is written whole with one `write`.
///
/// The signals are read here rather than by the group (`gracefulShutdownSignals`), which has no second
/// signal to quit on: one handler per signal, which then triggers the group's graceful shutdown.
enum Lifecycle {
    /// Runs `work`, with `progress` shown beside it, after starting `services`; returns what `work` returns.
    ///
    /// - Throws: the first error a service or `work` throws.
    static func run<T: Sendable>(
        stop: StopSignal,
        progress: ProgressReporter?,
        services: [any Service] = [],
        logger: Logger,
        _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let result = Outcome<T>()
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) } + [
                    // It lasts until the group shuts down, even without a line to show (`--progress none`):
                    // a service that ended by itself while the group shuts down would cancel the work.
                    .init(
                        service: ClosureService {
                            await cancelWhenGracefulShutdown {
                                await progress?.run()
                                try? await gracefulShutdown()
                            }
                        },
                        successTerminationBehavior: .ignore
                    ),
                    // The work ending (finished or stopped) shuts the rest down in turn.
                    .init(
                        service: ClosureService {
                            let value = try await withGracefulShutdownHandler {
                                try await work()
                            } onGracefulShutdown: {
                                stop.stop(.interrupted)
                            }
                            result.set(value)
                        },
                        successTerminationBehavior: .gracefullyShutdownGroup
                    ),
                ],
                logger: logger
            )
        )
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                var received = 0
                for await _ in signals {
                    received += 1
                    if received == 1 {
                        Console.err("\nstopping: finishing the requests in flight (press Ctrl-C again to quit at once)")
                        await group.triggerGracefulShutdown()
                    } else {
                        // Clearing the progress line takes control sequences: only on a terminal.
                        let clear = Console.stderrIsTerminal ? "\r\u{1B}[2K" : "\n"
                        Console.err(clear + "quitting at once; run the same command again to resume")
                        TemporaryFiles.removeAll()
                        _exit(130)
                    }
                }
            }
            try await group.run()
            tasks.cancelAll()
        }
        return try result.get()
    }

    /// The value the work service returned, for the caller once the group has ended.
    private final class Outcome<T: Sendable>: Sendable {
        private let value = Mutex<T?>(nil)

        func set(_ value: T) { self.value.withLock { $0 = value } }

        func get() throws -> T {
            guard let value = value.withLock({ $0 }) else { throw CancellationError() }
            return value
        }
    }
}
