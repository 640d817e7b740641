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
        /// Errors by code: how many, and one message.
        public var errors: [String: (count: Int, message: String)] = [:]
        /// Rows whose spreadsheet values changed since an earlier run created them.
        public var changedSinceCreated = 0

        public func count(_ status: RowStatus) -> Int { counts[status] ?? 0 }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func setTotal(_ total: Int) { state.withLock { $0.total = total } }

    func setConcurrency(_ limit: Int) { state.withLock { $0.concurrency = limit } }

    func record(_ outcome: RowOutcome, recovered: Bool = false, changed: Bool = false) {
        state.withLock { state in
            state.done += 1
            state.counts[outcome.status, default: 0] += 1
            if recovered { state.recovered += 1 }
            if changed { state.changedSinceCreated += 1 }
            if outcome.status == .failed || outcome.status == .invalid, let code = outcome.errorCode {
                let existing = state.errors[code]
                state.errors[code] = ((existing?.count ?? 0) + 1, existing?.message ?? outcome.error ?? "")
            }
        }
    }

    func requestStarted() { state.withLock { $0.inFlight += 1; $0.requests += 1 } }

    func requestFinished(after duration: Duration) {
        state.withLock {
            $0.inFlight -= 1
            $0.latency.record(duration)
        }
    }

    func retrying(_ delta: Int) { state.withLock { $0.retrying += delta } }
}
