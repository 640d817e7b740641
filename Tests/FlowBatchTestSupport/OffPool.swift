import Foundation

/// Runs blocking `work` (a wait for a child process, a read of a pipe or FIFO) on a thread of its own.
///
/// Not on Swift's cooperative pool, and not on `DispatchQueue.global()` either: on Linux both draw on
/// libdispatch's default-QoS worker threads, which grow by about one a second. A dozen tests blocked
/// there waiting for their binaries left no thread for the in-process mocks' handlers, so their clients
/// saw no answer for 30 s (seen with gdb: every default-QoS thread in `RunningTool.wait`).
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
