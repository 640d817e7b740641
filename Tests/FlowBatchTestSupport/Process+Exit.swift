import Foundation

extension Process {
    /// Waits for the process to end without holding a thread of Swift's cooperative pool:
    /// `waitUntilExit()` blocks one, and on a 2-core machine two of them stall every other test of
    /// the process (their answers' continuations cannot run; in-process mocks seemed to answer nothing).
    public func exited() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.waitUntilExit()
                continuation.resume()
            }
        }
    }
}

extension FileHandle {
    /// Everything up to the end of the file, read off Swift's cooperative pool (a pipe's end comes
    /// only when its writer exits, and a `Task.detached` read would hold a pool thread until then).
    public func readToEndOffPool() async -> Data {
        await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            DispatchQueue.global().async { continuation.resume(returning: self.readDataToEndOfFile()) }
        }
    }
}

/// Runs blocking `work` (a read of a pipe or FIFO) on a Dispatch thread, not on Swift's cooperative
/// pool, whose threads (two on a 2-core machine) every test of the process shares.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
