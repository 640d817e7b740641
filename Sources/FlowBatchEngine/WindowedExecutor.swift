import FlowBatchModel

/// The one executor of bulk operations (`run`, `undo`, `test`): it pulls jobs a batch at a time,
/// gets each batch ready (`prepare`: the journal's write-ahead sync) while the batch before it is
/// being sent, keeps at most ``ConcurrencyLimit/current`` jobs in flight, and hands each outcome to
/// the sink as it lands. It neither reads the input nor writes a file: the caller's `next` and
/// `sink` do.
package struct WindowedExecutor: Sendable {
    package let concurrency: ConcurrencyLimit
    package let stop: StopSignal
    /// Jobs pulled and prepared together: one `prepare` (one `fdatasync`) per batch.
    package var batchSize: Int
    /// Hears the window's width as it changes, for the progress line.
    package var statistics: RunStatistics?

    package init(concurrency: ConcurrencyLimit, stop: StopSignal, batchSize: Int, statistics: RunStatistics? = nil) {
        self.concurrency = concurrency
        self.stop = stop
        self.batchSize = max(1, batchSize)
        self.statistics = statistics
    }

    private enum Event<Outcome: Sendable>: Sendable {
        case landed(Outcome)
        case prepared
    }

    /// Runs `work` for every job `next` hands out (until it returns `nil` or the run stops) and
    /// gives each outcome to `sink`. Returns the jobs pulled (and prepared) but never started,
    /// in order: what a stop left unsent.
    package func run<Job: Sendable, Outcome: Sendable>(
        next: () throws -> Job?,
        prepare: (@Sendable ([Job]) async throws -> Void)? = nil,
        work: @escaping @Sendable (Job) async -> Outcome,
        sink: (Outcome) throws -> Void
    ) async throws -> [Job] {
        var ready: [Job] = []
        var readyIndex = 0
        var staged: [Job] = []
        var preparing = false
        var pulledAll = false
        try await withThrowingTaskGroup(of: Event<Outcome>.self) { group in
            var inFlight = 0
            func handle(_ event: Event<Outcome>) throws {
                switch event {
                case .landed(let outcome):
                    inFlight -= 1
                    try sink(outcome)
                case .prepared:
                    preparing = false
                }
            }
            while !stop.isStopping {
                if readyIndex == ready.count {
                    while preparing, let event = try await group.next() { try handle(event) }
                    swap(&ready, &staged)
                    staged.removeAll(keepingCapacity: true)
                    readyIndex = 0
                    while !pulledAll, staged.count < batchSize, !stop.isStopping {
                        guard let job = try next() else {
                            pulledAll = true
                            break
                        }
                        staged.append(job)
                    }
                    if let prepare, !staged.isEmpty {
                        preparing = true
                        let batch = staged
                        group.addTask {
                            try await prepare(batch)
                            return .prepared
                        }
                    }
                    if ready.isEmpty {
                        if staged.isEmpty { break }
                        continue
                    }
                }
                while inFlight >= concurrency.current, let event = try await group.next() { try handle(event) }
                if stop.isStopping { break }
                let job = ready[readyIndex]
                readyIndex += 1
                group.addTask { .landed(await work(job)) }
                inFlight += 1
                statistics?.setConcurrency(concurrency.current)
            }
            while let event = try await group.next() { try handle(event) }
        }
        return Array(ready[readyIndex...]) + staged
    }
}
