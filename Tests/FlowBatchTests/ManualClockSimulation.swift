import FlowBatchTestSupport
import Synchronization

/// Runs `tasks` copies of `body` (given their index) on `clock`, moving the clock to the next deadline
/// whenever every copy that has not returned sleeps on it: a simulation of many workers in manual
/// time, with no real sleep. Throws ``Stalled`` when the copies wait for something other than the
/// clock.
func simulate(
    on clock: ManualClock,
    tasks: Int,
    _ body: @escaping @Sendable (Int) async throws -> Void
) async throws {
    let running = Running(tasks)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<tasks {
            group.addTask {
                defer { running.finished() }
                try await body(index)
            }
        }
        group.addTask {
            var idle = 0
            while running.count > 0 {
                guard await allAsleep(clock, running) else {
                    idle += 1
                    if idle > 1_000_000 { throw Stalled() }
                    await Task.yield()
                    continue
                }
                idle = 0
                if let next = clock.deadlines.first { clock.advance(by: clock.now.duration(to: next)) }
            }
        }
        try await group.waitForAll()
    }
}

/// Whether every running copy sleeps on the clock, and still does, with the same soonest deadline, a
/// few yields on: a task woken by something other than the clock may not have dropped its old sleep
/// yet.
private func allAsleep(_ clock: ManualClock, _ running: Running) async -> Bool {
    guard clock.sleeperCount >= running.count, let next = clock.deadlines.first else { return false }
    for _ in 0..<3 { await Task.yield() }
    return clock.deadlines.first == next && clock.sleeperCount >= running.count
}

/// How many simulated copies have not returned.
private final class Running: Sendable {
    private let value: Atomic<Int>

    init(_ count: Int) { value = Atomic(count) }

    var count: Int { value.load(ordering: .sequentiallyConsistent) }

    func finished() { value.subtract(1, ordering: .sequentiallyConsistent) }
}

/// The simulated workers stopped waiting on the clock without finishing.
struct Stalled: Error {}
