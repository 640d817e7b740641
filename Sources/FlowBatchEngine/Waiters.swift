import Synchronization

/// Tasks parked until their owner's state changes, each woken at once when its task is cancelled:
/// the waits of ``StopSignal`` and ``OutageBreaker``.
///
/// The owner changes its state first and calls ``wakeAll()`` after, outside its own lock; a waiter's
/// `done` is read under this list's lock, so a change is never missed between the check and the park.
package final class Waiters: Sendable {
    private struct Parked {
        var next = 0
        var continuations: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let parked = Mutex(Parked())

    package init() {}

    /// Returns at once when `done()` holds; otherwise once ``wakeAll()`` is called or the task is cancelled.
    package func wait(unless done: () -> Bool) async {
        let id = parked.withLock { parked -> Int in
            parked.next += 1
            return parked.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = parked.withLock { parked -> Bool in
                    if done() || Task.isCancelled { return true }
                    parked.continuations[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            parked.withLock { $0.continuations.removeValue(forKey: id) }?.resume()
        }
    }

    /// Wakes every parked task.
    package func wakeAll() {
        let all = parked.withLock { parked -> [CheckedContinuation<Void, Never>] in
            defer { parked.continuations.removeAll() }
            return Array(parked.continuations.values)
        }
        for continuation in all { continuation.resume() }
    }
}
