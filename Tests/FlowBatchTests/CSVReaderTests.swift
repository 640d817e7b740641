import FlowBatchModel
import FlowBatchTestSupport
import Foundation
import Testing

@testable import FlowBatch
@testable import FlowBatchIngest

/// A record as the tests expect it: row, values, and the problem code if any.
struct ExpectedRecord: Equatable, CustomStringConvertible {
    var row: Int
    var fields: [String]
    var problem: CSVRecordProblem.Code?

    init(_ row: Int, _ fields: [String], problem: CSVRecordProblem.Code? = nil) {
        self.row = row
        self.fields = fields
        self.problem = problem
    }

    var description: String { "(\(row), \(fields)\(problem.map { ", \($0)" } ?? ""))" }
}

func readAll(_ bytes: [UInt8], options: CSVReader.Options = .init()) throws -> [CSVRecord] {
    var cursor = try CSVReader(bytes: bytes, options: options).makeCursor()
    var records: [CSVRecord] = []
    while let record = try cursor.next() { records.append(record) }
    return records
}

func simplified(_ records: [CSVRecord]) -> [ExpectedRecord] {
    records.map { record in
        ExpectedRecord(record.row, record.problem == nil ? record.fields : [], problem: record.problem?.code)
    }
}

struct CSVCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: [UInt8]
    var delimiter: UInt8 = UInt8(ascii: ",")
    var expected: [ExpectedRecord]

    init(_ name: String, _ input: String, delimiter: Character = ",", _ expected: [ExpectedRecord]) {
        self.name = name
        self.input = Array(input.utf8)
        self.delimiter = delimiter.asciiValue!
        self.expected = expected
    }

    init(_ name: String, bytes: [UInt8], _ expected: [ExpectedRecord]) {
        self.name = name
        self.input = bytes
        self.expected = expected
    }

    var testDescription: String { name }
}

extension ExpectedRecord: @unchecked Sendable {}

let csvCases: [CSVCase] = [
    CSVCase("plain LF", "a,b\n1,2\n", [.init(1, ["a", "b"]), .init(2, ["1", "2"])]),
    CSVCase("no line break at the end", "a,b\n1,2", [.init(1, ["a", "b"]), .init(2, ["1", "2"])]),
    CSVCase("UTF-8 byte-order mark", "\u{FEFF}name,b\n1,2\n", [.init(1, ["name", "b"]), .init(2, ["1", "2"])]),
    CSVCase("CRLF", "a,b\r\n1,2\r\n", [.init(1, ["a", "b"]), .init(2, ["1", "2"])]),
    CSVCase("CR only", "a,b\r1,2\r3,4", [.init(1, ["a", "b"]), .init(2, ["1", "2"]), .init(3, ["3", "4"])]),
    CSVCase("mixed line ends", "a\r\nb\nc\rd\n", [.init(1, ["a"]), .init(2, ["b"]), .init(3, ["c"]), .init(4, ["d"])]),
    CSVCase("semicolons", "a;b,c\n1;\"2;3\"\n", delimiter: ";", [.init(1, ["a", "b,c"]), .init(2, ["1", "2;3"])]),
    CSVCase("tabs", "a\tb c\n1\t\"2\t3\"\n", delimiter: "\t", [.init(1, ["a", "b c"]), .init(2, ["1", "2\t3"])]),
    CSVCase(
        "quoted line breaks stay in one row",
        "a,b\n\"x\ny\r\nz\",2\n3,4\n",
        [.init(1, ["a", "b"]), .init(2, ["x\ny\r\nz", "2"]), .init(3, ["3", "4"])]
    ),
    CSVCase("quoted delimiter", "\"a,b\",c\n", [.init(1, ["a,b", "c"])]),
    CSVCase("doubled quotes", "\"say \"\"hi\"\"\",\"\"\"\"\n", [.init(1, ["say \"hi\"", "\""])]),
    CSVCase("blank lines count as rows", "a\n\n\nb\n\nc", [.init(1, ["a"]), .init(4, ["b"]), .init(6, ["c"])]),
    CSVCase("blank CRLF lines count once each", "a\r\n\r\n\r\nb\r\n", [.init(1, ["a"]), .init(4, ["b"])]),
    CSVCase("blank CR lines", "a\r\r\rb\r", [.init(1, ["a"]), .init(4, ["b"])]),
    CSVCase("leading blank lines", "\n\na,b\n", [.init(3, ["a", "b"])]),
    CSVCase(
        "spaces around values are kept",
        " a , b \n\" c \", d\n",
        [.init(1, [" a ", " b "]), .init(2, [" c ", " d"])]
    ),
    CSVCase("tab and space only values", " \t,\t\n", [.init(1, [" \t", "\t"])]),
    CSVCase("empty values", ",,\n\"\",x,\n", [.init(1, ["", "", ""]), .init(2, ["", "x", ""])]),
    CSVCase(
        "ragged rows",
        "a,b,c\n1\n1,2,3,4\n",
        [.init(1, ["a", "b", "c"]), .init(2, ["1"]), .init(3, ["1", "2", "3", "4"])]
    ),
    CSVCase(
        "unterminated quote at the end reads on from the next line",
        "a,b\n1,\"2\n3,4\n5,6\n",
        [
            .init(1, ["a", "b"]), .init(2, [], problem: .unterminatedQuote), .init(3, ["3", "4"]),
            .init(4, ["5", "6"]),
        ]
    ),
    CSVCase(
        "unterminated quote on the last line",
        "a\n\"b",
        [.init(1, ["a"]), .init(2, [], problem: .unterminatedQuote)]
    ),
    CSVCase(
        "unterminated quote after a multi-line value",
        "a\n\"x\ny\",1\n\"open\nb\r\nc",
        [
            .init(1, ["a"]), .init(2, ["x\ny", "1"]), .init(3, [], problem: .unterminatedQuote), .init(4, ["b"]),
            .init(5, ["c"]),
        ]
    ),
    CSVCase(
        "quote inside an unquoted value",
        "a\nab\"c,d\ne\n",
        [.init(1, ["a"]), .init(2, [], problem: .quoteInUnquotedValue), .init(3, ["e"])]
    ),
    CSVCase(
        "text after a closing quote",
        "\"ab\"c,d\r\ne\r\n",
        [.init(1, [], problem: .textAfterClosingQuote), .init(2, ["e"])]
    ),
    CSVCase(
        "space after a closing quote",
        "\"ab\" ,d\ne\n",
        [.init(1, [], problem: .textAfterClosingQuote), .init(2, ["e"])]
    ),
    CSVCase(
        "malformed row on the second line of a multi-line value",
        "\"a\nb\"x\nc\n",
        [.init(1, [], problem: .textAfterClosingQuote), .init(2, ["c"])]
    ),
    CSVCase(
        "invalid UTF-8 names its row and the rows around it still parse",
        bytes: Array("a\n".utf8) + [0x66, 0xFF, 0x6F, 0x0A] + Array("b\n".utf8),
        [.init(1, ["a"]), .init(2, [], problem: .invalidUTF8), .init(3, ["b"])]
    ),
    CSVCase(
        "NUL byte",
        bytes: Array("a\nx,".utf8) + [0x79, 0x00, 0x7A] + Array("\nb\n".utf8),
        [.init(1, ["a"]), .init(2, [], problem: .nulByte), .init(3, ["b"])]
    ),
    CSVCase(
        "non-Latin scripts",
        "名前,имя\n\"Ünïcödé, 東京\",🙂\n",
        [.init(1, ["名前", "имя"]), .init(2, ["Ünïcödé, 東京", "🙂"])]
    ),
    CSVCase("empty file", "", []),
    CSVCase("only blank lines", "\n\r\n\n", []),
]

@Suite("CSV reader", .timeLimit(.minutes(2)))
struct CSVReaderTests {
    @Test("reads records with their spreadsheet row numbers", arguments: csvCases)
    func readsCase(_ testCase: CSVCase) throws {
        let records = try readAll(testCase.input, options: .init(delimiter: testCase.delimiter))
        #expect(simplified(records) == testCase.expected)
    }

    @Test(
        "gives the same records whatever the read size, so every byte boundary is a chunk boundary",
        arguments: csvCases
    )
    func sameRecordsAtEveryBoundary(_ testCase: CSVCase) throws {
        let whole = try readAll(testCase.input, options: .init(delimiter: testCase.delimiter))
        for readSize in 1...max(1, testCase.input.count) {
            let split = try readAll(testCase.input, options: .init(delimiter: testCase.delimiter, readSize: readSize))
            #expect(split == whole, "read size \(readSize)")
        }
    }

    @Test("lines split directly, quoted values and all, read exactly as libcsv reads them", arguments: 0..<200)
    func lineSplittingMatchesLibcsv(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed))
        let pieces = [
            "a", "b c", " ", ",", ",", "\"", "\"\"", "\"q,r\"", "\"s\"\"t\",", "\n", "\r\n", "\r", "é", "x\ty", ";",
            "\u{0}",
        ]
        var text = ""
        for _ in 0..<Int.random(in: 1...60, using: &generator) {
            text += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
        }
        let bytes = Array(text.utf8)
        for readSize in [1, 3, 64 * 1024] {
            func read(splitting: Bool) throws -> Result<[CSVRecord], CSVFileError> {
                var options = CSVParser.Options()
                options.readSize = readSize
                options.maxFields = 5
                options.splitsLines = splitting
                let parser = CSVParser(source: CSVByteSource(bytes: bytes), options: options)
                var records: [CSVRecord] = []
                do {
                    while let record = try parser.next() { records.append(record) }
                } catch {
                    return .failure(error)
                }
                return .success(records)
            }
            #expect(
                try read(splitting: true) == read(splitting: false),
                "\(text.debugDescription) read size \(readSize)"
            )
        }
    }

    @Test("a malformed row keeps the values read before the problem")
    func malformedRowKeepsEarlierValues() throws {
        let records = try readAll(Array("name,x\nAcme,ab\"c\n".utf8))
        #expect(records[1].fields == ["Acme"])
        #expect(records[1].problem == CSVRecordProblem(.quoteInUnquotedValue, column: 1))
    }

    @Test("a row longer than the limit is a problem and is not kept; the next row reads")
    func rowTooLarge() throws {
        let big = String(repeating: "x", count: 5000)
        let input = "a,b\n\(big),1\n\"\(big)\",2\nc,3\n"
        let records = try readAll(Array(input.utf8), options: .init(readSize: 512, maxRecordBytes: 1000))
        #expect(
            simplified(records) == [
                .init(1, ["a", "b"]),
                .init(2, [], problem: .tooLarge(limit: 1000)),
                .init(3, [], problem: .tooLarge(limit: 1000)),
                .init(4, ["c", "3"]),
            ]
        )
    }

    @Test("a quote that never closes stops at the size limit and reading goes on from its next line")
    func unterminatedQuoteStopsAtTheLimit() throws {
        var input = "a\n\"open,1\n"
        for index in 0..<200 { input += "row\(index),value\n" }
        let records = try readAll(Array(input.utf8), options: .init(readSize: 64, maxRecordBytes: 300))
        #expect(records.count == 202)
        #expect(records[1].row == 2)
        #expect(records[1].problem?.code == .unterminatedQuote)
        #expect(records[2] == CSVRecord(row: 3, fields: ["row0", "value"]))
        #expect(records.last == CSVRecord(row: 202, fields: ["row199", "value"]))
    }

    @Test("a row with more values than the limit is a problem")
    func tooManyColumns() throws {
        let input = "a\n" + String(repeating: ",", count: 50) + "\nb\n"
        let records = try readAll(Array(input.utf8), options: .init(maxFields: 10))
        #expect(
            simplified(records) == [
                .init(1, ["a"]), .init(2, [], problem: .tooManyColumns(limit: 10)), .init(3, ["b"]),
            ]
        )
    }

    @Test(
        "UTF-16 and UTF-32 files are refused with the encoding named",
        arguments: [
            (
                [0xFF, 0xFE, 0x61, 0x00],
                .otherEncoding(found: "UTF-16 (it begins with a byte-order mark)", option: .utf16)
            ),
            (
                [0xFE, 0xFF, 0x00, 0x61],
                .otherEncoding(found: "UTF-16 (it begins with a byte-order mark)", option: .utf16)
            ),
            ([0x61, 0x00, 0x62, 0x00], .otherEncoding(found: "UTF-16 (without a byte-order mark)", option: .utf16)),
            ([0xFF, 0xFE, 0x00, 0x00], .unsupportedEncoding("UTF-32")),
        ] as [([UInt8], CSVFileError.Code)]
    )
    func refusesOtherEncodings(_ bytes: [UInt8], _ code: CSVFileError.Code) throws {
        #expect(throws: CSVFileError(code, path: "<memory>")) {
            _ = try readAll(bytes)
        }
    }

    @Test("a quote that swallows the rest of the file is reported once and the rest is read again")
    func unterminatedQuoteRereadsTheRest() throws {
        let input = Array(("\"a\n" + String(repeating: "b\"\"c\n", count: 2000)).utf8)
        let records = try readAll(input)
        #expect(records.map(\.row) == Array(1...2001))
        #expect(records[0].problem?.code == .unterminatedQuote)
        #expect(records.dropFirst().allSatisfy { $0.problem?.code == .quoteInUnquotedValue })
    }

    @Test("reading again after unterminated quotes is bounded: past the budget the file is refused")
    func rereadingIsBounded() throws {
        let input = Array(("\"a\n" + String(repeating: "b\"\"c\n", count: 2000)).utf8)
        var options = CSVParser.Options()
        options.maxRereadBytes = 1000
        let parser = CSVParser(source: CSVByteSource(bytes: input), options: options)
        #expect(throws: CSVFileError(.tooManyUnterminatedQuotes, path: "<memory>")) {
            while try parser.next() != nil {}
        }
    }

    @Test("a file that changes while it is read is refused at its end, not half-read silently")
    func fileChangedWhileRead() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("in.csv", "name\nA\nB\nC\n")
        var cursor = try CSVReader(path: path, options: .init(readSize: 4)).makeCursor()
        #expect(try cursor.next()?.fields == ["name"])
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("D\n".utf8))
        try handle.close()
        #expect(throws: CSVFileError(.changedWhileReading, path: path)) {
            while try cursor.next() != nil {}
        }
        #expect(InputError(.file(CSVFileError(.changedWhileReading, path: path))).exitStatus.rawValue == 65)
    }

    @Test("reads a file from disk in chunks, and reports a missing file")
    func readsFiles() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("in.csv", "name\r\nAcme\r\n")
        var rows: [Int] = []
        for try await record in CSVReader(path: path, options: .init(readSize: 3)) { rows.append(record.row) }
        #expect(rows == [1, 2])
        var iterator = CSVReader(path: directory.path + "/missing.csv").makeAsyncIterator()
        do {
            _ = try await iterator.next()
            Issue.record("a missing file must throw")
        } catch {
            #expect(error == CSVFileError(.notFound, path: directory.path + "/missing.csv"))
        }
    }
}

/// A small deterministic generator for table tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
