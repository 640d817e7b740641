import FlowBatchModel
import NIOCore
import Synchronization

/// Ends the exchanges of one transport that outlive their deadline: one check on an event loop
/// every ``interval`` cancels each exchange whose deadline has passed, so an exchange ends at most
/// one interval late.
///
/// A timer per request cost more than the rest of the request's bookkeeping: scheduling it and
/// cancelling it from outside the event loop wake the loop twice per request, and each timer is an
/// allocation, a promise and a place in the loop's queue. The check starts with the first exchange
/// and ends with ``stop()`` (or with the watch itself).
final class DeadlineWatch: Sendable {
    typealias Exchange = Task<(ServiceAnswer, truncated: Bool), any Error>

    /// How often the deadlines are checked.
    let interval: TimeAmount
    private let eventLoop: any EventLoop
    private let state = Mutex(State())

    private struct State {
        var nextID = 0
        var watched: [Int: (deadline: NIODeadline, exchange: Exchange)] = [:]
        var check: RepeatedTask?
        var stopped = false
    }

    /// A watch for exchanges whose longest duration is `timeout`: checked twenty times per timeout,
    /// at most once a second and at least every 10 ms.
    init(eventLoop: any EventLoop, timeout: Duration) {
        self.eventLoop = eventLoop
        interval = .nanoseconds(min(1_000_000_000, max(10_000_000, timeout.nanoseconds / 20)))
    }

    /// Cancels `exchange` once `deadline` has passed, unless ``unwatch(_:)`` comes first.
    func watch(_ exchange: Exchange, until deadline: NIODeadline) -> Int {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.watched[id] = (deadline, exchange)
            if state.check == nil, !state.stopped {
                state.check = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) {
                    [weak self] task in
                    guard let self else { return task.cancel() }
                    self.cancelExpired(now: .now())
                }
            }
            return id
        }
    }

    /// Stops watching an exchange that ended.
    func unwatch(_ id: Int) {
        _ = state.withLock { $0.watched.removeValue(forKey: id) }
    }

    /// Ends the checks; exchanges still watched are no longer cancelled at their deadline.
    func stop() {
        let check = state.withLock { state in
            state.stopped = true
            state.watched = [:]
            defer { state.check = nil }
            return state.check
        }
        check?.cancel()
    }

    /// Cancels, and stops watching, every exchange whose deadline is `now` or earlier.
    func cancelExpired(now: NIODeadline) {
        let expired = state.withLock { state -> [Exchange] in
            let ids = state.watched.compactMap { $0.value.deadline <= now ? $0.key : nil }
            return ids.compactMap { state.watched.removeValue(forKey: $0)?.exchange }
        }
        for exchange in expired { exchange.cancel() }
    }

    /// How many exchanges are watched (for tests).
    var watchedCount: Int { state.withLock { $0.watched.count } }
}
