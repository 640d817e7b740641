import FlowBatchModel
import Synchronization

/// Tells a run to stop: after Ctrl-C or SIGTERM, or when a run error makes going on pointless.
///
/// Once stopped, no new row is started and no retry is sent; requests already in flight finish.
/// Waits (backoff, `Retry-After` pauses) end at once when the signal fires.
public final class StopSignal: Sendable {
    /// Why the run is stopping.
    public enum Reason: Sendable, Equatable {
        /// Ctrl-C or SIGTERM.
        case interrupted
        /// A run error.
        case runError(RunError)
    }

    private struct State {
        var reason: Reason?
    }

    private let state = Mutex(State())
    private let waiters = Waiters()

    public init() {}

    /// Why the run is stopping, or `nil` while it is not.
    public var reason: Reason? { state.withLock { $0.reason } }

    /// Whether the run is stopping.
    public var isStopping: Bool { reason != nil }

    /// Asks the run to stop; the first reason given is kept.
    public func stop(_ reason: Reason) {
        state.withLock { state in
            if state.reason == nil { state.reason = reason }
        }
        waiters.wakeAll()
    }

    /// Returns when the signal fires (or the task is cancelled).
    public func wait() async {
        await waiters.wait { isStopping }
    }

    /// Runs `wait` (a sleep) unless the signal fires first; returns `false` when it did (or `wait` threw).
    public func unlessStopped(_ wait: @escaping @Sendable () async throws -> Void) async -> Bool {
        (try? await untilStopped(wait)) != nil
    }
}

extension StopSignal.Reason? {
    /// How a bulk command ends: interrupted, stopped by a run error, or finished with every row done
    /// (`allDone`) or not.
    package func exitStatus(allDone: Bool) -> ExitStatus {
        switch self {
        case .interrupted: .interrupted
        case .runError: .runStopped
        case nil: .finished(allDone: allDone)
        }
    }
}

extension StopSignal {
    /// Runs `body` unless the run stops first: its value, or `nil` when stopped (the wait is
    /// cancelled at once). An error `body` throws is thrown.
    package func untilStopped<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        if isStopping { return nil }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                await self.wait()
                return nil
            }
            defer { group.cancelAll() }
            let first = try await group.next()!
            return isStopping ? nil : first
        }
    }
}
