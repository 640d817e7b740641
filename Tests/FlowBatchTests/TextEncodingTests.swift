import FlowBatchModel
import Testing

@testable import FlowBatch
@testable import FlowBatchIngest

@Suite("Encodings: sniffing, transcoding, ragged rows", .timeLimit(.minutes(2)))
struct TextEncodingTests {
    /// Transcodes `bytes` fed in chunks of `chunk` bytes.
    private func transcode(_ bytes: [UInt8], _ encoding: TextEncoding, chunk: Int) -> String {
        var transcoder = TextTranscoder(encoding: encoding)
        var output: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            bytes[start..<end].withUnsafeBytes { transcoder.transcode($0, final: false, into: &output) }
            start = end
        }
        transcoder.transcode(UnsafeRawBufferPointer(start: nil, count: 0), final: true, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static let text = "name,note\nCafé €,naïve “quote” 😀 Ω\n"

    private func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        let units = (bom ? [0xFEFF] : []) + Array(text.utf16)
        return units.flatMap { bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    @Test("UTF-16 of either byte order, with or without a mark, reads the same whatever the chunk boundaries")
    func utf16AcrossChunks() {
        for bigEndian in [false, true] {
            for bom in [false, true] {
                let bytes = utf16(Self.text, bigEndian: bigEndian, bom: bom)
                for chunk in 1...9 {
                    #expect(transcode(bytes, .utf16, chunk: chunk) == (bom ? "\u{FEFF}" : "") + Self.text)
                }
            }
        }
    }

    @Test("Windows-1252 and Latin-1 differ only in 0x80-0x9F")
    func singleByte() {
        let bytes: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x80, 0x93, 0x94]
        #expect(transcode(bytes, .windows1252, chunk: 3) == "Café €“”")
        #expect(transcode(bytes, .latin1, chunk: 3) == "Café \u{80}\u{93}\u{94}")
    }

    @Test("a lone surrogate or a half code unit at the end becomes U+FFFD")
    func brokenUTF16() {
        #expect(transcode([0x3D, 0xD8, 0x41, 0x00], .utf16, chunk: 1) == "\u{FFFD}A")
        #expect(transcode([0x41, 0x00, 0x42], .utf16, chunk: 2) == "A\u{FFFD}")
    }

    @Test(
        "workbooks and byte-order marks that contradict --encoding are named before anything is parsed",
        arguments: [
            ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], TextEncoding.utf8, "xlsx"),
            ([0x50, 0x4B, 0x03, 0x04], .windows1252, "xlsx"),
            ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], .utf8, ".xls"),
            ([0xFF, 0xFE, 0x6E, 0x00], .utf8, "utf-16"),
            ([0x6E, 0x00, 0x61, 0x00], .windows1252, "utf-16"),
            ([0x00, 0x6E, 0x00, 0x61], .utf8, "utf-16"),
            ([0xEF, 0xBB, 0xBF, 0x6E], .latin1, "utf-8"),
            ([0x6E, 0x61, 0x6D, 0x65], .utf16, "not UTF-16"),
        ] as [([UInt8], TextEncoding, String)]
    )
    func sniffing(_ prefix: [UInt8], _ encoding: TextEncoding, _ expected: String) throws {
        let code = try #require(FileSniff.problem(prefix: prefix, encoding: encoding))
        #expect(CSVFileError(code, path: "f").description.contains(expected), "\(code)")
    }

    @Test("files that are what they are read as pass the sniff")
    func sniffPasses() {
        #expect(FileSniff.problem(prefix: Array("name,host".utf8), encoding: .utf8) == nil)
        #expect(FileSniff.problem(prefix: [0xEF, 0xBB, 0xBF, 0x6E], encoding: .utf8) == nil)
        #expect(FileSniff.problem(prefix: [0xFF, 0xFE, 0x6E, 0x00], encoding: .utf16) == nil)
        #expect(FileSniff.problem(prefix: [0x4E, 0x61, 0x6D, 0xE9], encoding: .windows1252) == nil)
        #expect(FileSniff.problem(prefix: Array("PK".utf8), encoding: .utf8) == nil)
    }

    @Test("bytes that are not UTF-8 are guessed as Windows-1252, either single-byte code, or UTF-16")
    func guesses() {
        func guess(_ bytes: [UInt8]) -> TextEncoding.Guess {
            bytes.withUnsafeBufferPointer { TextEncoding.guess(notUTF8: $0) }
        }
        #expect(guess([0x43, 0x61, 0x66, 0xE9]) == .windows1252OrLatin1)
        #expect(guess([0x93, 0x61, 0x94]) == .windows1252)
        #expect(guess([0x41, 0x00, 0xE9, 0x00]) == .utf16)
    }

    @Test("a transcoded file reads as its UTF-8 would, across read buffers and after a quote that never closes")
    func transcodedReaderMatchesUTF8() throws {
        let text =
            "name,note\nZoë,\"never closes\nÉric,ok\r\nAnn,\"a,\nb\"\n" + String(repeating: "Über,€\n", count: 50)
        let utf8 = try readAll(Array(text.utf8))
        let cp1252 = Array(text.unicodeScalars).map { scalar -> UInt8 in
            scalar == "€" ? 0x80 : UInt8(scalar.value)
        }
        for readSize in [1, 2, 3, 7, 64, 4096] {
            let records = try readAll(cp1252, options: .init(readSize: readSize, encoding: .windows1252))
            #expect(records == utf8, "read size \(readSize)")
            let utf16 = utf16(text, bigEndian: false, bom: true)
            #expect(try readAll(utf16, options: .init(readSize: readSize, encoding: .utf16)) == utf8)
        }
    }

    @Test("a ragged row, with more or fewer values than the header, is invalid and none of its values is read")
    func raggedRows() throws {
        let input = "name,sandbox,host\nA,dev,https://a.example.com,extra\nB,dev\nC,dev,https://c.example.com\n"
        var cursor = try InputCursor(records: CSVReader(bytes: Array(input.utf8)), path: "t")
        var seen: [String] = []
        while let line = try cursor.nextRow({ row -> String in
            let result = RowValidator().validate(row)
            return "\(row.row) \(row.string(.name))|\(row.string(.sandbox)) \(result.problems.map(\.description))"
        }) {
            seen.append(line)
        }
        #expect(
            seen == [
                "2 | [\"csv: the row has 4 values but the header has 3 columns; a value holding the delimiter must be in quotes\"]",
                "3 | [\"csv: the row has 2 values but the header has 3 columns; every row needs one value (which may be empty) per column\"]",
                "4 C|dev [\"auth: no credentials: fill username and password (basic) or accessToken (oauth2)\"]",
            ]
        )
    }

    @Test("a data row that is not UTF-8 ends reading with the row and the encoding it looks like")
    func notUTF8Row() throws {
        let bytes = Array("name\nA\n".utf8) + [0x42, 0xE9, 0x0A]
        var cursor = try InputCursor(records: CSVReader(bytes: bytes), path: "t.csv")
        _ = try cursor.nextRow { _ in () }
        let error = try #require(throws: InputError.self) { _ = try cursor.nextRow { _ in () } }
        #expect(error.code == .notUTF8(row: 3, looksLike: .windows1252OrLatin1))
        #expect(error.exitStatus.rawValue == 65)
        #expect(error.description.contains("t.csv: row 3 is not valid UTF-8"))
    }

    @Test("a header holding another delimiter and not this one suggests --delimiter")
    func delimiterHint() throws {
        for (header, delimiter, hint) in [
            ("name;host", ",", "--delimiter ';'"), ("name\thost", ",", "--delimiter tab"),
            ("name,host", ";", "--delimiter ','"),
        ] {
            let error = try #require(throws: InputError.self) {
                try InputCursor(
                    records: CSVReader(
                        bytes: Array((header + "\n").utf8),
                        options: .init(delimiter: delimiter.utf8.first!)
                    ),
                    path: "t"
                )
            }
            #expect(error.exitStatus.rawValue == 65)
            #expect(error.description.hasSuffix("pass \(hint)"), "\(error)")
        }
    }
}
