import Testing

@testable import FlowBatch
@testable import FlowBatchModel
@testable import FlowBatchReport

@Suite("the progress line", .timeLimit(.minutes(1)))
struct ProgressLineTests {
    @Test(
        "a line wider than the terminal is cut to one column less than its width, so it never wraps",
        arguments: [40, 80, 200]
    )
    func fitsTheTerminal(columns: Int) {
        var snapshot = RunStatistics.Snapshot()
        snapshot.total = 1_000_000
        snapshot.done = 123_456
        snapshot.counts = [.created: 120_000, .exists: 3_000, .failed: 456, .invalid: 1_000]
        snapshot.retrying = 12
        snapshot.inFlight = 64
        snapshot.concurrency = 64
        let line = ProgressReporter.line(snapshot, rate: 1234.5, width: columns - 1)
        let fitted = ProgressReporter.fitted(line, to: columns)
        #expect(fitted.count <= columns - 1)
        #expect(fitted == line || fitted.hasSuffix("…"))
        if line.count < columns - 1 { #expect(fitted == line) }
        if columns >= 80 {
            // What matters most survives a narrow terminal: progress, created, failed, ETA.
            for part in ["123456/1000000 rows", "created 120000", "failed 456", "ETA "] {
                #expect(fitted.contains(part), "\(fitted)")
            }
        }
        if columns >= 200 { #expect(fitted.contains("1234 rows/s") && fitted.contains("in flight 64/64")) }
    }

    @Test("while the existing connections are listed, the line says so with the count so far")
    func listingPhase() {
        var snapshot = RunStatistics.Snapshot()
        snapshot.total = 40
        snapshot.listing = ("prod", 3_400)
        let line = ProgressReporter.line(snapshot, rate: nil)
        #expect(line.contains("listing existing connections in sandbox prod: 3400 so far"))
        #expect(!line.contains("0/40"))
    }

    @Test("rows an earlier run created are not counted as created now")
    func earlierRows() {
        var snapshot = RunStatistics.Snapshot()
        snapshot.total = 4
        snapshot.done = 4
        snapshot.counts = [.created: 4]
        snapshot.earlier = [.created: 4]
        #expect(ProgressReporter.line(snapshot, rate: nil).contains("created 0 (+4 earlier)"))
    }
}
