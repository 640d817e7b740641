import Testing

@testable import FlowBatch
@testable import FlowBatchIngest

@Suite("Duplicate names", .timeLimit(.minutes(2)))
struct DuplicateNameFinderTests {
    @Test("later rows with a used name in the same sandbox point at the first row", arguments: [2, 3, 1000])
    func findsDuplicates(memoryLimit: Int) throws {
        let finder = DuplicateNameFinder(memoryLimit: memoryLimit)
        let rows: [(String, String, Int)] = [
            ("prod", "A", 2), ("prod", "B", 3), ("dev", "A", 4), ("prod", "A", 5), ("prod", "a", 6),
            ("prod", "B", 7), ("prod", "A", 8), ("dev", "C", 9),
        ]
        for (sandbox, name, row) in rows { try finder.add(sandbox: sandbox, name: name, row: row) }
        let duplicates = try finder.finish()
        #expect(duplicates.duplicates.map { [$0.row, $0.firstRow] } == [[5, 2], [7, 3], [8, 2]])
        #expect(duplicates.firstRow(repeatedBy: 8) == 2)
        #expect(duplicates.firstRow(repeatedBy: 4) == nil)
    }

    @Test("spilling to disk gives the same answer as sorting in memory")
    func spillMatchesMemory() throws {
        var generator = SystemRandomNumberGenerator()
        let names = (0..<5000).map { _ in "n\(Int.random(in: 0..<3000, using: &generator))" }
        func answer(_ limit: Int) throws -> [DuplicateNames.Duplicate] {
            let finder = DuplicateNameFinder(memoryLimit: limit)
            for (index, name) in names.enumerated() { try finder.add(sandbox: "prod", name: name, row: index + 2) }
            return try finder.finish().duplicates
        }
        let inMemory = try answer(100_000)
        #expect(!inMemory.isEmpty)
        #expect(try answer(64) == inMemory)
        var firstSeen: [String: Int] = [:]
        var expected: [Int] = []
        for (index, name) in names.enumerated() {
            if firstSeen[name] != nil { expected.append(index + 2) } else { firstSeen[name] = index + 2 }
        }
        #expect(inMemory.map(\.row) == expected)
    }
}
