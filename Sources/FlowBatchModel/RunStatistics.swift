import Synchronization

/// Counters a run keeps while it goes, read by the progress line and the summary.
public final class RunStatistics: Sendable {
    /// A consistent copy of the counters.
    public struct Snapshot: Sendable {
        /// Data rows in the input (after `--limit`), once the pre-scan has counted them.
        public var total: Int?
        /// Rows with an outcome.
        public var done = 0
        public var counts: [RowStatus: Int] = [:]
        /// Rows waiting to retry.
        public var retrying = 0
        /// Requests in flight.
        public var inFlight = 0
        /// Requests allowed in flight now (lower than `--concurrency` while throttled).
        public var concurrency = 0
        /// POST requests sent.
        public var requests = 0
        /// Rows created only after a name look-up showed an unanswered request had created them.
        public var recovered = 0
        /// Latencies of POST requests.
        public var latency = LatencyHistogram()
        /// Errors by code, field and sentence: how many of each.
        public var errors: [ErrorKey: Int] = [:]
        /// Rows an earlier run finished, by status (counted in ``counts`` too).
        public var earlier: [RowStatus: Int] = [:]
        /// While the start-of-run listing goes on: the sandbox being listed and how many
        /// connections the listing has shown so far; `nil` before and after.
        public var listing: (sandbox: String, listed: Int)?
        /// Rows whose spreadsheet values changed since an earlier run created them.
        public var changedSinceCreated = 0
        /// What holds the whole run back now, e.g. "service unreachable for 0:42, next try in 8 s".
        public var notice: String?

        public func count(_ status: RowStatus) -> Int { counts[status] ?? 0 }

        fileprivate mutating func add(_ status: RowStatus) {
            done += 1
            counts[status, default: 0] += 1
        }
    }

    /// What errors are grouped by in the summary: the code, for invalid rows the field, and the
    /// sentence, so that three different problems sharing a code are three lines, each with its own.
    public struct ErrorKey: Hashable, Sendable, Comparable {
        public var code: String
        public var field: String?
        public var message: String

        public static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.code, lhs.field ?? "", lhs.message) < (rhs.code, rhs.field ?? "", rhs.message)
        }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot {
        var snapshot = state.withLock { $0 }
        snapshot.notice = notice.withLock { $0 }?()
        return snapshot
    }

    private let notice = Mutex<(@Sendable () -> String?)?>(nil)

    /// Where the progress line reads what holds the whole run back (an outage), at each redraw.
    package func setNotice(_ provider: @escaping @Sendable () -> String?) { notice.withLock { $0 = provider } }

    package func setTotal(_ total: Int) { state.withLock { $0.total = total } }

    package func setConcurrency(_ limit: Int) { state.withLock { $0.concurrency = limit } }

    /// Counts one row's outcome; `earlier` when an earlier run finished the row.
    package func record(_ outcome: RowOutcome, recovered: Bool = false, changed: Bool = false, earlier: Bool = false) {
        state.withLock { state in
            state.add(outcome.status)
            if earlier { state.earlier[outcome.status, default: 0] += 1 }
            if recovered { state.recovered += 1 }
            if changed { state.changedSinceCreated += 1 }
            if outcome.status == .failed || outcome.status == .invalid, let code = outcome.errorCode {
                state.errors[
                    ErrorKey(code: code, field: outcome.errorField, message: outcome.error ?? ""),
                    default: 0
                ] += 1
            }
        }
    }

    /// Counts one row by its status alone (undo's and test's connections, for the progress line).
    package func record(_ status: RowStatus) { state.withLock { $0.add(status) } }

    /// The listing's progress: `sandbox` is being listed and `listed` connections are known so far;
    /// `nil` when the listing is over.
    package func listing(sandbox: String?, listed: Int) {
        state.withLock { $0.listing = sandbox.map { ($0, listed) } }
    }

    package func requestStarted() {
        state.withLock {
            $0.inFlight += 1
            $0.requests += 1
        }
    }

    package func requestFinished(after duration: Duration) {
        state.withLock {
            $0.inFlight -= 1
            $0.latency.record(duration)
        }
    }

    package func retrying(_ delta: Int) { state.withLock { $0.retrying += delta } }
}
