import Testing

@testable import FlowServiceAPI

@Suite("which resource a look-up may take for its create's own", .timeLimit(.minutes(1)))
struct ResourceCreateTests {
    static func create(preexisting: [String] = [], createdAfter: Int64? = nil) -> ResourceCreate {
        ResourceCreate(
            kind: .baseConnection,
            sandbox: "prod",
            name: "Row 1",
            body: [],
            secrets: [],
            lookUpFilters: FlowServiceClient.connectionLookUpFilters(name: "Row 1"),
            preexisting: preexisting,
            createdAfter: createdAfter
        )
    }

    @Test("after a listing, any resource but those it showed")
    func listedRun() {
        let create = Self.create(preexisting: ["old"])
        #expect(!create.mayHaveMade(.init(id: "old", name: "Row 1", createdAt: 5)))
        #expect(create.mayHaveMade(.init(id: "new", name: "Row 1", createdAt: 5)))
        #expect(create.mayHaveMade(.init(id: "new", name: "Row 1")))
    }

    @Test(
        "without a listing, only one created after the sandbox's newest at the start, and never one without a createdAt"
    )
    func unlistedRun() {
        let create = Self.create(createdAfter: 1_000)
        #expect(!create.mayHaveMade(.init(id: "same", name: "Row 1", createdAt: 1_000)))
        #expect(!create.mayHaveMade(.init(id: "older", name: "Row 1", createdAt: 999)))
        #expect(create.mayHaveMade(.init(id: "newer", name: "Row 1", createdAt: 1_001)))
        #expect(!create.mayHaveMade(.init(id: "unknown", name: "Row 1")))
        // An empty sandbox at the start: whatever has a createdAt is new.
        #expect(Self.create(createdAfter: .min).mayHaveMade(.init(id: "any", name: "Row 1", createdAt: 0)))
    }

    @Test("a resumed row's earlier run may have listed: both rules hold at once")
    func both() {
        let create = Self.create(preexisting: ["listed"], createdAfter: 10)
        #expect(!create.mayHaveMade(.init(id: "listed", name: "Row 1", createdAt: 50)))
        #expect(create.mayHaveMade(.init(id: "other", name: "Row 1", createdAt: 50)))
    }
}
