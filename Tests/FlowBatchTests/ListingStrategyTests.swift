import Testing

@testable import FlowBatch
@testable import FlowServiceAPI

@Suite("which way a run learns which names exist", .timeLimit(.minutes(1)))
struct ListingStrategyTests {
    @Test("a small file in a big sandbox looks its names up: one request against eight more pages")
    func smallFileLooksUp() {
        let names = (0..<20).map { "Row \($0)" }
        #expect(ListingStrategy.choose(count: 9_000, listed: 1_000, pageSize: 1_000, names: names) == .names([names]))
    }

    @Test("a big file pages on when its look-ups would take more round trips than the pages left")
    func bigFilePages() {
        let names = (0..<2_000).map { "Row \($0)" }
        #expect(ListingStrategy.choose(count: 9_000, listed: 1_000, pageSize: 1_000, names: names) == .pages)
        // Sent 64 at a time, the same look-ups take one round trip against 8 pages.
        #expect(
            ListingStrategy.choose(count: 9_000, listed: 1_000, pageSize: 1_000, names: names, inFlight: 64)
                == .names(ListingStrategy.batches(of: names)!)
        )
        // 20,000 names into 60,000: 4 rounds of look-ups at 64 in flight against 59 pages; one at a time, pages.
        let many = (0..<20_000).map { "Source \($0)" }
        #expect(ListingStrategy.choose(count: 60_000, listed: 1_000, pageSize: 1_000, names: many) == .pages)
        #expect(
            ListingStrategy.choose(count: 60_000, listed: 1_000, pageSize: 1_000, names: many, inFlight: 64) != .pages
        )
        // Into a sandbox of just those 20,000 (the end-of-run look-up of a run into an empty one): 4 rounds
        // against 19 pages, decoding no more connections than the pages would.
        #expect(
            ListingStrategy.choose(count: 20_000, listed: 1_000, pageSize: 1_000, names: many, inFlight: 64) != .pages
        )
        // More names than the sandbox holds: pages, which cannot decode more than it holds.
        #expect(
            ListingStrategy.choose(count: 5_000, listed: 1_000, pageSize: 1_000, names: many, inFlight: 64) == .pages
        )
        // Into 3,000 connections: 2 pages left against 4 rounds of look-ups, so pages.
        #expect(
            ListingStrategy.choose(count: 3_000, listed: 1_000, pageSize: 1_000, names: many, inFlight: 64) == .pages
        )
        // The same file against pages of 100: 80 pages left, and 2,000 names fit in fewer look-ups.
        guard
            case .names(let batches) = ListingStrategy.choose(
                count: 9_000,
                listed: 1_000,
                pageSize: 100,
                names: names
            )
        else {
            Issue.record("expected look-ups")
            return
        }
        #expect(batches.count < 80)
        #expect(batches.flatMap { $0 } == names)
    }

    @Test("a name holding a comma, an empty name, or no names kept: page on")
    func unsuitableNamesPage() {
        #expect(
            ListingStrategy.choose(count: 9_000, listed: 1_000, pageSize: 1_000, names: ["A", "Acme, Inc"]) == .pages
        )
        #expect(ListingStrategy.choose(count: 9_000, listed: 1_000, pageSize: 1_000, names: ["A", ""]) == .pages)
        #expect(ListingStrategy.choose(count: 9_000, listed: 1_000, pageSize: 1_000, names: nil) == .pages)
        #expect(ListingStrategy.choose(count: 9_000, listed: 1_000, pageSize: 1_000, names: []) == .pages)
    }

    @Test("when no page is left, it pages: nothing more is sent either way")
    func nothingLeft() {
        #expect(ListingStrategy.choose(count: 1_000, listed: 1_000, pageSize: 1_000, names: ["A"]) == .pages)
    }

    @Test("each batch's filter stays within the budget, whatever the names' encoding")
    func batchesFitTheBudget() throws {
        let names = (0..<500).map { "Équipe \($0) / données & co" }
        let batches = try #require(ListingStrategy.batches(of: names))
        #expect(batches.count > 1)
        #expect(batches.flatMap { $0 } == names)
        for batch in batches {
            let cost = batch.map(FlowServiceClient.encodedLength(ofNameFilter:)).reduce(0, +)
            #expect(cost <= ListingStrategy.filterBudget)
            #expect(FlowServiceClient.firstPage(names: batch, limit: 1_000).utf8.count < 4_096)
        }
    }
}
