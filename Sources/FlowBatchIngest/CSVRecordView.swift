/// A record read by ``CSVCursor`` without copying its values: the bytes of each value, exactly as
/// written (quotes removed). Valid only inside the closure it is given to.
public struct CSVRecordView {
    /// The spreadsheet row number where the record starts.
    public let row: Int
    /// Why the record could not be read cleanly, including values that are not UTF-8 or hold NUL.
    public let problem: CSVRecordProblem?
    /// Whether some value may hold a control character (below U+0020, or U+007F); when none does, no
    /// value needs checking for one.
    let mayHoldControls: Bool
    private let bytes: UnsafeBufferPointer<UInt8>
    private let ends: UnsafeBufferPointer<Int>

    init(row: Int, bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, problem: CSVRecordProblem?) {
        self.row = row
        self.bytes = bytes
        self.ends = ends
        // Nearly every record is plain ASCII without control bytes: one pass decides, then no value
        // needs checking on its own.
        let scan = ByteText.scan(bytes)
        mayHoldControls = scan.control
        guard problem == nil, scan.nonASCII || scan.control else {
            self.problem = problem
            return
        }
        var found: CSVRecordProblem?
        var start = 0
        for (column, end) in ends.enumerated() {
            let value = UnsafeBufferPointer(rebasing: bytes[start..<end])
            start = end
            if String(validating: value, as: UTF8.self) == nil {
                found = CSVRecordProblem(.invalidUTF8, column: column)
                break
            }
            if value.contains(0) {
                found = CSVRecordProblem(.nulByte, column: column)
                break
            }
        }
        self.problem = found
    }

    /// The bytes of every value, back to back.
    var allBytes: UnsafeBufferPointer<UInt8> { bytes }

    /// What the record's bytes look like, when they are not UTF-8.
    var encodingGuess: TextEncoding.Guess? {
        problem?.code == .invalidUTF8 ? TextEncoding.guess(notUTF8: bytes) : nil
    }

    /// The number of values read.
    public var count: Int { ends.count }

    /// The bytes of value `index`.
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// Value `index` as a string (invalid UTF-8 repaired).
    public func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// Whether every value is empty.
    public var isEmpty: Bool { bytes.isEmpty }

    /// An owned copy.
    public func record() -> CSVRecord {
        CSVRecord(row: row, fields: (0..<count).map(string), problem: problem)
    }
}
