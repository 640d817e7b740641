import CLibCSV

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The synchronous CSV engine on libcsv: reads a source in fixed chunks and hands out records
/// with their spreadsheet row numbers.
///
/// A line that holds a whole record (every quote in it closes on it, as in nearly every line of a
/// spreadsheet export) is split by ``splitLine(upTo:)`` itself, as libcsv would split it; any other
/// line goes to libcsv. libcsv is fed one physical line at a time (a line ends at CR or LF), which
/// costs one call per line and buys two things libcsv does not give: where each record starts in
/// the file, so that a quote that never closes can be recovered from by reading again from the next
/// line; and a place between calls to keep the value buffer under the size limit. libcsv skips blank
/// lines; it is told to report them (`CSV_REPALL_NL`) so that they count as rows, as a spreadsheet
/// shows them.
package final class CSVParser {
    /// Limits and format; `package` so that the fuzz target can set the budget for reading again.
    package struct Options: Sendable {
        /// The byte between values: `,`, `;` or tab.
        package var delimiter: UInt8 = UInt8(ascii: ",")
        /// Bytes read from the source at a time.
        package var readSize = 64 * 1024
        /// The most bytes one record may hold; longer records become a problem and are not kept.
        package var maxRecordBytes = 1 << 20
        /// The most values one record may hold.
        package var maxFields = 10_000
        /// The most bytes read again after quotes that never close; `nil`: twice the file, at least 64 MiB.
        package var maxRereadBytes: Int?
        /// Split lines that hold a whole record directly instead of through libcsv (off only to test
        /// that both ways read the same).
        package var splitsLines = true
        /// Read a first line `sep=X` (Excel writes it for locales whose list separator is not `,`) as
        /// the delimiter, and skip it as Excel does, so that the header is row 1 as Excel shows it.
        package var readsSeparatorLine = true

        /// The defaults suit any spreadsheet export.
        package init(
            delimiter: UInt8 = UInt8(ascii: ","),
            readSize: Int = 64 * 1024,
            maxRecordBytes: Int = 1 << 20,
            maxFields: Int = 10_000,
            maxRereadBytes: Int? = nil,
            splitsLines: Bool = true,
            readsSeparatorLine: Bool = true
        ) {
            self.delimiter = delimiter
            self.readSize = readSize
            self.maxRecordBytes = maxRecordBytes
            self.maxFields = maxFields
            self.maxRereadBytes = maxRereadBytes
            self.splitsLines = splitsLines
            self.readsSeparatorLine = readsSeparatorLine
        }
    }

    private static let rowNotBegun: Int32 = 0
    private static let fieldBegun: Int32 = 2
    private static let fieldMightHaveEnded: Int32 = 3
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private let source: CSVByteSource
    private let options: Options
    /// The byte between values: the option's, or the one a `sep=` first line gives.
    private var delimiter: UInt8
    /// The delimiter a first line `sep=X` set, when the file has one (the line itself is skipped).
    package private(set) var separatorLine: UInt8?
    private let parser: UnsafeMutablePointer<csv_parser>
    private let buffer: UnsafeMutableRawBufferPointer

    /// Bytes of the buffer that hold data, and the next one to feed.
    @exclusivity(unchecked) private var bufferCount = 0
    @exclusivity(unchecked) private var bufferPosition = 0
    /// Where in the source `buffer[0]` came from.
    @exclusivity(unchecked) private var bufferOffset = 0
    /// Cached positions of the next LF and CR in the buffer (`bufferCount` when there is none).
    @exclusivity(unchecked) private var nextLineFeed = -1
    @exclusivity(unchecked) private var nextCarriageReturn = -1
    private var started = false
    private var finished = false

    /// The record being assembled: its values back to back, and where each ends.
    @exclusivity(unchecked) private var recordBytes: [UInt8] = []
    @exclusivity(unchecked) private var fieldEnds: [Int] = []
    @exclusivity(unchecked) private var fieldCount = 0
    @exclusivity(unchecked) private var recordProblem: CSVRecordProblem?

    @exclusivity(unchecked) private var nextRow = 1
    @exclusivity(unchecked) private var lastTerminatorWasCarriageReturn = false
    /// Where reading goes on when the open record turns out to have a quote that never closes:
    /// just after the first line of that record. `nil` while the record spans a single line.
    private var openRecordFirstLineEnd: Int?
    private var openRecordFirstLineEndsInCarriageReturn = false
    /// Skipping the rest of a physical line after a malformed record.
    private var skippingToLineEnd = false
    /// Bytes read again after unterminated quotes; bounded so that a hostile file cannot make
    /// reading quadratic.
    private var rereadBudget: Int

    /// The record that is complete and waiting to be read; its values are in `recordBytes`.
    @exclusivity(unchecked) private var pending: (row: Int, problem: CSVRecordProblem?)?

    package init(source: CSVByteSource, options: Options) {
        self.source = source
        self.options = options
        delimiter = options.delimiter
        parser = .allocate(capacity: 1)
        csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL))
        csv_set_delim(parser, options.delimiter)
        // Values are taken exactly as written: no space is ever trimmed (a password may end in one).
        csv_set_space_func(parser) { _ in 0 }
        csv_set_blk_size(parser, 4096)
        buffer = .allocate(byteCount: max(1, options.readSize), alignment: 16)
        rereadBudget = options.maxRereadBytes ?? max(64 << 20, 2 * source.size)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
        buffer.deallocate()
    }

    /// The next record, or `nil` at the end of the source.
    package func next() throws(CSVFileError) -> CSVRecord? {
        do {
            return try nextView { $0.record() }
        } catch let error as CSVFileError {
            throw error
        } catch {
            preconditionFailure("record() does not throw")
        }
    }

    /// Calls `body` with a view of the next record, without copying its values into strings; the view
    /// is valid only during the call. Returns `nil` at the end of the source.
    func nextView<Result>(_ body: (CSVRecordView) throws -> Result) throws -> Result? {
        while pending == nil {
            if finished { return nil }
            try step()
        }
        defer {
            pending = nil
            clearRecord()
        }
        let (row, problem) = pending!
        return try recordBytes.withUnsafeBufferPointer { bytes in
            try fieldEnds.withUnsafeBufferPointer { ends in
                try body(CSVRecordView(row: row, bytes: bytes, ends: ends, problem: problem))
            }
        }
    }

    // MARK: - Reading

    private func step() throws(CSVFileError) {
        if rereadBudget < 0 {
            throw CSVFileError(.tooManyUnterminatedQuotes, path: source.path)
        }
        if !started {
            try start()
            return
        }
        if bufferPosition == bufferCount {
            try refill()
            if bufferCount == 0 {
                try finishSource()
                return
            }
        }
        let lineEnd = nextTerminator(from: bufferPosition)
        let pieceEnd = lineEnd < bufferCount ? lineEnd + 1 : bufferCount
        if skippingToLineEnd {
            bufferPosition = pieceEnd
            if lineEnd < bufferCount {
                skippingToLineEnd = false
                lastTerminatorWasCarriageReturn = buffer[lineEnd] == Self.carriageReturn
            }
            return
        }
        if options.splitsLines, lineEnd < bufferCount, splitLine(upTo: lineEnd) { return }
        // The byte where a record passes the size limit decides its problem and where reading goes on, so
        // libcsv never gets more than one byte past the room left: that byte is then the same whatever
        // the read size.
        let end = min(pieceEnd, bufferPosition + max(0, options.maxRecordBytes - openRecordSize) + 1)
        feed(to: end, endsLine: end == pieceEnd && lineEnd < bufferCount)
    }

    /// A whole line starting a record, whose quoted values all close on it: its values are exactly what
    /// libcsv would make of it in strict mode with no trimming, for a fraction of the cost (libcsv
    /// calls a function for every byte). Returns `false`, having kept nothing, to leave the line to
    /// libcsv: a quote inside an unquoted value, text after a closing quote, a quote that stays open.
    private func splitLine(upTo lineEnd: Int) -> Bool {
        let length = lineEnd - bufferPosition
        guard length > 0, length <= options.maxRecordBytes, parser.pointee.pstate == Self.rowNotBegun else {
            return false
        }
        let line = UnsafeBufferPointer(
            start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + bufferPosition,
            count: length
        )
        let quote = parser.pointee.quote_char
        let delimiter = self.delimiter
        var nextQuote = Self.find(quote, in: line, from: 0)
        var position = 0
        var values = 0
        recordBytes.reserveCapacity(length)
        while true {
            values += 1
            if values > options.maxFields {
                // The rest of the line is not read; with a quote in it, libcsv decides where the record ends.
                guard nextQuote == length else { return abandonLine() }
                recordProblem = CSVRecordProblem(.tooManyColumns(limit: options.maxFields))
                break
            }
            if position < length, position == nextQuote {
                // A quoted value: up to the quote that is not doubled; it must end the value.
                var from = position + 1
                while true {
                    let closing = Self.find(quote, in: line, from: from)
                    guard closing < length else { return abandonLine() }
                    recordBytes.append(contentsOf: UnsafeBufferPointer(rebasing: line[from..<closing]))
                    guard closing + 1 < length, line[closing + 1] == quote else {
                        position = closing + 1
                        break
                    }
                    recordBytes.append(quote)
                    from = closing + 2
                }
                nextQuote = Self.find(quote, in: line, from: position)
                fieldEnds.append(recordBytes.count)
                if position == length { break }
                guard line[position] == delimiter else { return abandonLine() }
                position += 1
                continue
            }
            let fieldEnd = Self.find(delimiter, in: line, from: position)
            guard nextQuote >= fieldEnd else { return abandonLine() }
            recordBytes.append(contentsOf: UnsafeBufferPointer(rebasing: line[position..<fieldEnd]))
            fieldEnds.append(recordBytes.count)
            if fieldEnd == length { break }
            position = fieldEnd + 1
        }
        fieldCount = values
        bufferPosition = lineEnd + 1
        lastTerminatorWasCarriageReturn = buffer[lineEnd] == Self.carriageReturn
        completeRecord()
        return true
    }

    private func abandonLine() -> Bool {
        clearRecord()
        return false
    }

    /// The index of the first `byte` in `bytes` at or after `start`, or `bytes.count`.
    private static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < bytes.count, let found = memchr(bytes.baseAddress! + start, Int32(byte), bytes.count - start)
        else { return bytes.count }
        return UnsafeRawPointer(bytes.baseAddress!).distance(to: found)
    }

    /// Looks at the first bytes as stored for a workbook or another encoding, then at the UTF-8 for a
    /// byte-order mark, and starts reading after it.
    private func start() throws(CSVFileError) {
        started = true
        let prefix = try source.storedPrefix(FileSniff.prefixLength)
        if let problem = FileSniff.problem(prefix: prefix, encoding: source.encoding, path: source.path) {
            throw CSVFileError(problem, path: source.path)
        }
        // A byte-order mark, then possibly `sep=X` and a line end: 3 + 7 bytes at most.
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: 10, alignment: 1)
        defer { head.deallocate() }
        var count = 0
        while count < head.count {
            let read = try source.read(at: count, into: UnsafeMutableRawBufferPointer(rebasing: head[count...]))
            if read == 0 { break }
            count += read
        }
        let bytes = Array(head[..<count])
        bufferOffset = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if options.readsSeparatorLine, let (byte, length) = Self.separatorLine(bytes[bufferOffset...]) {
            delimiter = byte
            separatorLine = byte
            csv_set_delim(parser, byte)
            bufferOffset += length
        }
        bufferCount = 0
        bufferPosition = 0
    }

    /// The delimiter and the length (with its line end) of a line `sep=X` at the start of `bytes`,
    /// where X is `,`, `;` or tab; `sep` in any case, as Excel reads it.
    private static func separatorLine(_ bytes: ArraySlice<UInt8>) -> (delimiter: UInt8, length: Int)? {
        let line = Array(bytes)
        guard line.count >= 5, String(decoding: line[0..<4], as: UTF8.self).lowercased() == "sep=" else { return nil }
        let delimiter = line[4]
        guard [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")].contains(delimiter) else { return nil }
        let rest = line[5...]
        if rest.isEmpty { return (delimiter, 5) }
        if rest.starts(with: [carriageReturn, lineFeed]) { return (delimiter, 7) }
        if rest.first == carriageReturn || rest.first == lineFeed { return (delimiter, 6) }
        return nil
    }

    private func refill() throws(CSVFileError) {
        bufferOffset += bufferCount
        bufferCount = try source.read(at: bufferOffset, into: buffer)
        bufferPosition = 0
        nextLineFeed = -1
        nextCarriageReturn = -1
    }

    /// The index of the next CR or LF at or after `start`, or `bufferCount`.
    private func nextTerminator(from start: Int) -> Int {
        if nextLineFeed < start { nextLineFeed = find(Self.lineFeed, from: start) }
        if nextCarriageReturn < start { nextCarriageReturn = find(Self.carriageReturn, from: start) }
        return min(nextLineFeed, nextCarriageReturn)
    }

    private func find(_ byte: UInt8, from start: Int) -> Int {
        let bytes = UnsafeBufferPointer(
            start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
            count: bufferCount
        )
        return Self.find(byte, in: bytes, from: start)
    }

    // MARK: - Feeding libcsv

    private func feed(to end: Int, endsLine: Bool) {
        let start = bufferPosition
        let context = Unmanaged.passUnretained(self).toOpaque()
        let consumed = csv_parse(
            parser,
            buffer.baseAddress! + start,
            end - start,
            CSVParser.fieldCallback,
            CSVParser.rowCallback,
            context
        )
        bufferPosition = end
        if consumed < end - start {
            malformedRecord(endsLine: endsLine)
            return
        }
        let inQuotedValue = parser.pointee.pstate != Self.rowNotBegun
        if endsLine, inQuotedValue, openRecordFirstLineEnd == nil {
            openRecordFirstLineEnd = bufferOffset + end
            openRecordFirstLineEndsInCarriageReturn = buffer[end - 1] == Self.carriageReturn
        }
        if pending == nil, openRecordSize > options.maxRecordBytes {
            valueOverflowed()
        }
    }

    /// Bytes of the open record: its values kept, and the value being read without the quote that libcsv
    /// keeps in FIELD_MIGHT_HAVE_ENDED and takes back if the value ends there.
    private var openRecordSize: Int {
        let closingQuote = parser.pointee.pstate == Self.fieldMightHaveEnded ? 1 : 0
        return recordBytes.count + parser.pointee.entry_pos - closingQuote
    }

    /// libcsv stopped at a byte strict mode rejects: report the record, skip the rest of its line.
    private func malformedRecord(endsLine: Bool) {
        let pointee = parser.pointee
        let code: CSVRecordProblem.Code
        if pointee.status == CSV_EPARSE {
            code = pointee.pstate == Self.fieldMightHaveEnded ? .textAfterClosingQuote : .quoteInUnquotedValue
        } else {
            code = .tooLarge(limit: options.maxRecordBytes)
        }
        recordProblem = recordProblem ?? CSVRecordProblem(code, column: fieldCount)
        completeRecord()
        resetParser()
        skippingToLineEnd = !endsLine
        if endsLine {
            lastTerminatorWasCarriageReturn = buffer[bufferPosition - 1] == Self.carriageReturn
        }
    }

    /// The value being read is past the size limit: drop what it holds so far and keep reading it,
    /// so that memory stays bounded while libcsv still finds where the value ends. A quoted value that
    /// already spans lines is most likely a quote that never closes: read again from its next line.
    private func valueOverflowed() {
        if recordProblem == nil {
            recordProblem = CSVRecordProblem(.tooLarge(limit: options.maxRecordBytes), column: fieldCount)
        }
        let quoteStillOpen = parser.pointee.quoted != 0 && parser.pointee.pstate == Self.fieldBegun
        if quoteStillOpen, openRecordFirstLineEnd != nil {
            recordProblem = CSVRecordProblem(.unterminatedQuote, column: fieldCount)
            recoverFromUnterminatedQuote()
            return
        }
        // In FIELD_MIGHT_HAVE_ENDED the last byte kept is the quote libcsv may still take back.
        if parser.pointee.pstate == Self.fieldMightHaveEnded {
            parser.pointee.entry_buf[0] = parser.pointee.quote_char
            parser.pointee.entry_pos = 1
        } else {
            parser.pointee.entry_pos = 0
        }
    }

    /// Reports the open record as an unterminated quote and reads again from the line after its first.
    private func recoverFromUnterminatedQuote() {
        let resumeOffset = openRecordFirstLineEnd
        completeRecord()
        resetParser()
        guard let resumeOffset else { return }
        rereadBudget -= max(0, bufferOffset + bufferPosition - resumeOffset)
        lastTerminatorWasCarriageReturn = openRecordFirstLineEndsInCarriageReturn
        bufferOffset = resumeOffset
        bufferCount = 0
        bufferPosition = 0
        finished = false
    }

    private func finishSource() throws(CSVFileError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        if csv_fini(parser, CSVParser.fieldCallback, CSVParser.rowCallback, context) != 0 {
            recordProblem = CSVRecordProblem(.unterminatedQuote, column: fieldCount)
            recoverFromUnterminatedQuote()
            if bufferOffset < source.size { return }
        }
        finished = true
        try source.checkUnchanged()
    }

    private func resetParser() {
        parser.pointee.pstate = Self.rowNotBegun
        parser.pointee.quoted = 0
        parser.pointee.spaces = 0
        parser.pointee.entry_pos = 0
        parser.pointee.status = 0
    }

    private func clearRecord() {
        recordBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        fieldCount = 0
        recordProblem = nil
        openRecordFirstLineEnd = nil
    }

    // MARK: - Callbacks from libcsv

    private static let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void =
        {
            bytes,
            count,
            context in
            Unmanaged<CSVParser>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.appendField(bytes, count) }
        }

    private static let rowCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { terminator, context in
        Unmanaged<CSVParser>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.endRow(terminator) }
    }

    private func appendField(_ bytes: UnsafeMutableRawPointer?, _ count: Int) {
        fieldCount += 1
        guard recordProblem == nil else { return }
        if fieldCount > options.maxFields {
            recordProblem = CSVRecordProblem(.tooManyColumns(limit: options.maxFields))
            return
        }
        if recordBytes.count + count > options.maxRecordBytes {
            recordProblem = CSVRecordProblem(.tooLarge(limit: options.maxRecordBytes), column: fieldCount - 1)
            return
        }
        if let bytes, count > 0 {
            recordBytes.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: count))
        }
        fieldEnds.append(recordBytes.count)
    }

    private func endRow(_ terminator: Int32) {
        let isCarriageReturn = terminator == Int32(Self.carriageReturn)
        defer { lastTerminatorWasCarriageReturn = isCarriageReturn }
        if fieldCount == 0 {
            // A line with nothing on it; the LF of a CRLF pair is not a line of its own.
            let secondHalfOfPair = terminator == Int32(Self.lineFeed) && lastTerminatorWasCarriageReturn
            if !secondHalfOfPair { nextRow += 1 }
            return
        }
        completeRecord()
    }

    /// The open record is complete (or given up on): it waits, bytes and all, until it is read.
    private func completeRecord() {
        pending = (nextRow, recordProblem)
        nextRow += 1
    }
}
