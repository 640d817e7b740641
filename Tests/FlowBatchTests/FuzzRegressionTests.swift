import FlowBatchTestSupport
import Foundation
import Testing

@testable import FlowBatch
@testable import FlowBatchFuzz
@testable import FlowBatchIngest
@testable import FlowBatchReport

/// Saved fuzz inputs, replayed through the fuzz target's own checks (``ReaderFuzzer/check(_:)``).
@Suite("Fuzz regressions", .timeLimit(.minutes(2)))
struct FuzzRegressionTests {
    static let folder = Repository.root + "/Tests/FlowBatchTests/Fuzz"

    /// The names of the inputs saved in `Fuzz/<kind>`, sorted; hidden files are not inputs.
    static func inputs(_ kind: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/\(kind)")) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static func bytes(_ kind: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(kind)/\(name)")))
    }

    @Test("every input the fuzzer crashed on now keeps every invariant", arguments: inputs("crashes"))
    func crash(_ name: String) throws {
        #expect(ReaderFuzzer.check(try Self.bytes("crashes", name)) == [])
    }

    @Test("every hand-made seed keeps every invariant", arguments: inputs("seeds"))
    func seed(_ name: String) throws {
        #expect(ReaderFuzzer.check(try Self.bytes("seeds", name)) == [])
    }

    /// Records read with small limits, where where a value crosses the limit decides the problem.
    struct LimitCase: CustomTestStringConvertible, Sendable {
        var name: String
        var input: [UInt8]
        var maxRecordBytes: Int
        var maxFields = 10_000
        var expected: [ExpectedRecord]
        var testDescription: String { name }
    }

    static let limitCases: [LimitCase] = [
        LimitCase(
            name: "a quoted value exactly at the limit is kept, also when a chunk ends after its closing quote",
            input: Array("\"abcde\"\nf\n".utf8),
            maxRecordBytes: 5,
            expected: [.init(1, ["abcde"]), .init(2, ["f"])]
        ),
        LimitCase(
            name: "a value past the limit on its first line stays one too-large record when its quote closes later",
            input: Array("\"xxxxxxxx\nab\"\nc\n".utf8),
            maxRecordBytes: 5,
            expected: [.init(1, [], problem: .tooLarge(limit: 5)), .init(2, ["c"])]
        ),
        LimitCase(
            name:
                "a value that spans lines and passes the limit is an unterminated quote, read again from its next line",
            input: Array("\"a\nxxxxx\",1\nb\n".utf8),
            maxRecordBytes: 5,
            expected: [
                .init(1, [], problem: .unterminatedQuote), .init(2, [], problem: .quoteInUnquotedValue),
                .init(3, ["b"]),
            ]
        ),
        LimitCase(
            name: "a row past both limits is too large where its size crosses the limit (fuzz crash e36cb343)",
            input: Array("Setame,descriptio,2\nc,3\n".utf8),
            maxRecordBytes: 8,
            maxFields: 1,
            expected: [.init(1, [], problem: .tooLarge(limit: 8)), .init(2, [], problem: .tooManyColumns(limit: 1))]
        ),
        LimitCase(
            name: "a row too large before a stray quote is too large (fuzz crash 91e0e56f)",
            input: Array("ab,cdefgh\"i\nj\n".utf8),
            maxRecordBytes: 5,
            expected: [.init(1, [], problem: .tooLarge(limit: 5)), .init(2, ["j"])]
        ),
    ]

    @Test("small limits give the same records at every read size", arguments: limitCases)
    func limitsAtEveryReadSize(_ testCase: LimitCase) throws {
        for readSize in [1 << 16] + Array(1...testCase.input.count) {
            let options = CSVReader.Options(
                readSize: readSize,
                maxRecordBytes: testCase.maxRecordBytes,
                maxFields: testCase.maxFields
            )
            #expect(
                simplified(try readAll(testCase.input, options: options)) == testCase.expected,
                "read size \(readSize)"
            )
        }
    }

    @Test("a line whose first value starts with a byte-order mark reads back with it, also first in a file")
    func byteOrderMarkFirst() throws {
        let values = ["\u{FEFF}name", "\u{FEFF}", "x"]
        let line = CSVLineEncoder.line(values)
        #expect(try readAll(line).map(\.fields) == [values])
        #expect(try readAll(Array("\u{FEFF}".utf8) + line).map(\.fields) == [values])
    }

    @Test("the seeds are there, so that the replays above check something")
    func seedsArePresent() {
        #expect(Self.inputs("seeds").count >= 10)
    }

    @Test("the checks catch a broken invariant: rows out of order, values over the limits, an undocumented error")
    func checksCanFail() {
        let options = CSVReader.Options(maxRecordBytes: 4, maxFields: 1)
        let outcome = ReadOutcome(
            records: [
                CSVRecord(row: 2, fields: ["a"]), CSVRecord(row: 2, fields: ["b", "c"]),
                .init(row: 3, fields: ["long"]),
            ],
            error: CSVFileError(.changedWhileReading, path: "<memory>")
        )
        var violations: [String] = []
        ReaderFuzzer.checkOutcome(outcome, options: options, "test", &violations)
        #expect(violations.count == 3)
        violations = []
        ReaderFuzzer.checkOutcome(
            .init(records: [.init(row: 1, fields: ["too long"])]),
            options: options,
            "test",
            &violations
        )
        #expect(violations.count == 1)
    }

    @Test("the derived options cover every delimiter, tiny and default limits")
    func derivedOptions() {
        #expect(Set((0..<3).map { FuzzInput([UInt8($0)]).delimiter }) == [0x2C, 0x3B, 0x09])
        let tiny = FuzzInput([0, 0, 0, 0, 0, 0] + Array("a".utf8))
        #expect(tiny.readSize == 1 && tiny.maxRecordBytes == 1 && tiny.maxFields == 1 && tiny.csv == [0x61])
        let defaults = FuzzInput([0, 255, 255, 255, 255, 15])
        #expect(defaults.readSize == 256 && defaults.maxRecordBytes == 1 << 20 && defaults.maxFields == 10_000)
        #expect(defaults.nameMemoryLimit == 9 && defaults.overridesNameColumn && defaults.csv.isEmpty)
    }
}
