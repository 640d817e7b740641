import FlowBatchModel
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to the journal with group commit: lines that arrive while one write-and-sync is
/// under way go out together in the next one, so 64 rows in flight share an `fdatasync` instead of
/// paying one each.
///
/// ``appendDurably(_:)`` and ``flush()`` return only once the lines are on disk (write-ahead for
/// `attempt`); ``append(_:)`` queues a line that the next group carries. The file is locked (`flock`) while
/// open, so two runs cannot write the same journal.
public final class JournalWriter: Sendable {
    private struct State {
        var buffer: [UInt8] = []
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var flushing = false
        var failure: RunError?
        var syncs = 0
    }

    /// The journal's path.
    public let path: String
    private let descriptor: Int32
    /// `false` only for the benchmark that measures what durability costs.
    private let synchronous: Bool
    private let state = Mutex(State())
    private let pool: NIOThreadPool

    /// Opens (or creates, mode 0600) the journal at `path` for appending, and locks it.
    ///
    /// A journal that does not end with a line break (a crash cut its last line) gets one first, so
    /// that the next line starts cleanly.
    public init(path: String, synchronous: Bool = true) throws(RunError) {
        self.path = path
        self.synchronous = synchronous
        pool = NIOThreadPool.singleton
        let existed = access(path, F_OK) == 0
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RunError(.localFile, "cannot open the journal \(path): \(SystemError.describe(errno))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            throw RunError(.localFile, Self.inUseMessage(path))
        }
        if existed, !Self.endsWithLineBreak(path: path) {
            _ = "\n".withCString { write(descriptor, $0, 1) }
        }
        if !existed {
            fsync(descriptor)
            Self.syncDirectory(of: path)
        }
    }

    deinit {
        close(descriptor)
    }

    static func inUseMessage(_ path: String) -> String {
        "another flowbatch run is using \(path); wait for it to finish, or choose another --out"
    }

    /// `fdatasync` calls made so far.
    public var syncCount: Int { state.withLock { $0.syncs } }

    /// Queued bytes that start a write on their own; below it, queued lines wait for the next
    /// ``flush()`` or ``appendDurably(_:)``.
    static let writeThreshold = 64 << 10

    /// Queues a line that nothing waits for (an outcome: losing it in a crash costs a look-up by
    /// name, never a duplicate); it goes out with the next group write, or once 64 KiB are queued.
    /// No task or system call per line.
    public func append(_ line: [UInt8]) {
        let start = state.withLock { state -> Bool in
            state.buffer += line
            return state.buffer.count >= Self.writeThreshold && Self.claimFlush(&state)
        }
        if start { startFlushing() }
    }

    /// Writes a line and returns once it is on disk.
    public func appendDurably(_ line: [UInt8]) async throws(RunError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> (start: Bool, failure: RunError?) in
                    if let failure = state.failure { return (false, failure) }
                    state.buffer += line
                    state.waiters.append(continuation)
                    return (Self.claimFlush(&state), nil)
                }
                if let failure = outcome.failure {
                    continuation.resume(throwing: failure)
                } else if outcome.start {
                    startFlushing()
                }
            }
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError(.localFile, "cannot write the journal \(path): \(error)")
        }
    }

    /// Writes what is queued, syncs, and waits for it.
    public func flush() async throws(RunError) {
        try await appendDurably([])
    }

    private static func claimFlush(_ state: inout State) -> Bool {
        guard !state.flushing else { return false }
        state.flushing = true
        return true
    }

    /// Runs the flush loop on a thread of the I/O pool: `write` and `fdatasync` block, so the loop runs there
    /// whole, as one work item, rather than as a task that hops to the pool and back for every group.
    private func startFlushing() {
        pool.submit { state in self.flushLoop(poolActive: state == .active) }
    }

    /// Writes groups until nothing is queued: each group is everything that arrived while the
    /// previous one was being written.
    private func flushLoop(poolActive: Bool) {
        while true {
            let group = state.withLock { state -> (bytes: [UInt8], waiters: [CheckedContinuation<Void, any Error>])? in
                if state.buffer.isEmpty && state.waiters.isEmpty {
                    state.flushing = false
                    return nil
                }
                let group = (state.buffer, state.waiters)
                state.buffer = []
                state.waiters = []
                return group
            }
            guard let group else { return }
            let needsSync = synchronous && !group.waiters.isEmpty
            let result = poolActive ? Self.writeAll(descriptor, group.bytes, sync: needsSync) : EIO
            if result != 0 {
                let failure = RunError(.localFile, "cannot write the journal \(path): \(SystemError.describe(result))")
                let waiting = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
                    state.failure = failure
                    let waiting = state.waiters
                    state.waiters = []
                    return waiting
                }
                for waiter in group.waiters + waiting { waiter.resume(throwing: failure) }
                continue
            }
            if needsSync { state.withLock { $0.syncs += 1 } }
            for waiter in group.waiters { waiter.resume() }
        }
    }

    /// Writes every byte, then syncs if asked; returns 0 or an errno.
    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], sync: Bool) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        if sync, fdatasync(descriptor) != 0 { return errno }
        return 0
    }

    private static func endsWithLineBreak(path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return true }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return true }
        var last: UInt8 = 0
        guard pread(descriptor, &last, 1, size - 1) == 1 else { return true }
        return last == UInt8(ascii: "\n")
    }

    /// Makes a newly created file's name durable.
    static func syncDirectory(of path: String) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let descriptor = open(directory.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
