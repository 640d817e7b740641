/// Streams the records of a CSV file, with their spreadsheet row numbers, reading the file in
/// fixed chunks with libcsv: memory stays the same whatever the file's size.
///
/// ```swift
/// for try await record in CSVReader(path: "sources.csv") {
///     print(record.row, record.fields.count)
/// }
/// ```
/// Handles a UTF-8 byte-order mark, LF, CRLF and CR line ends, and quoted values holding the
/// delimiter, doubled quotes and line breaks. Values are kept exactly as written (libcsv's trimming
/// of spaces is off). A record that cannot be read cleanly comes out with a ``CSVRecordProblem``
/// and reading goes on; a file that cannot be read at all throws ``CSVFileError``.
public struct CSVReader: AsyncSequence, Sendable {
    public typealias Element = CSVRecord
    public typealias Failure = CSVFileError

    /// Format and limits.
    public struct Options: Sendable {
        /// The byte between values: `,` (default), `;` or tab.
        public var delimiter: UInt8
        /// Bytes read at a time (default 64 KiB).
        public var readSize: Int
        /// The most bytes one record may hold (default 1 MiB); longer records are a problem, not kept.
        public var maxRecordBytes: Int
        /// The most values one record may hold (default 10,000).
        public var maxFields: Int
        /// How the file is encoded (default UTF-8); other encodings are transcoded to UTF-8 as they are read.
        public var encoding: TextEncoding
        /// Whether lines that hold a whole record (quoted values closed on the line) are split by
        /// flowbatch's own code instead of libcsv (default `true`); off only to measure the fast path
        /// (Benchmarks/) or to check that both read the same.
        public var splitsLines = true
        /// Whether a first line `sep=X`, as Excel writes it, sets the delimiter and is skipped
        /// (default `true`; the header is then row 1, as Excel shows it).
        public var readsSeparatorLine = true

        /// Creates options; the defaults suit any spreadsheet export.
        public init(
            delimiter: UInt8 = UInt8(ascii: ","),
            readSize: Int = 64 * 1024,
            maxRecordBytes: Int = 1 << 20,
            maxFields: Int = 10_000,
            encoding: TextEncoding = .utf8
        ) {
            self.delimiter = delimiter
            self.readSize = readSize
            self.maxRecordBytes = maxRecordBytes
            self.maxFields = maxFields
            self.encoding = encoding
        }

        var parserOptions: CSVParser.Options {
            CSVParser.Options(
                delimiter: delimiter,
                readSize: readSize,
                maxRecordBytes: maxRecordBytes,
                maxFields: maxFields,
                splitsLines: splitsLines,
                readsSeparatorLine: readsSeparatorLine
            )
        }
    }

    private enum Input: Sendable {
        case path(String)
        case bytes([UInt8], name: String)
    }

    private let input: Input
    /// Format and limits.
    public let options: Options

    /// Reads the file at `path`; it is opened when iteration starts.
    public init(path: String, options: Options = Options()) {
        input = .path(path)
        self.options = options
    }

    /// Reads bytes held in memory; `name` is what messages call them.
    public init(bytes: [UInt8], name: String = "<memory>", options: Options = Options()) {
        input = .bytes(bytes, name: name)
        self.options = options
    }

    /// Opens the input and returns a synchronous cursor over its records, for callers that do not
    /// need to suspend (validation, fuzzing).
    public func makeCursor() throws(CSVFileError) -> CSVCursor {
        let source: CSVByteSource
        switch input {
        case .path(let path): source = try CSVByteSource(path: path, encoding: options.encoding)
        case .bytes(let bytes, let name):
            source = CSVByteSource(bytes: bytes, name: name, encoding: options.encoding, chunkSize: options.readSize)
        }
        return CSVCursor(parser: CSVParser(source: source, options: options.parserOptions))
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(reader: self)
    }

    /// Hands out records one at a time; the file is opened on the first call.
    public struct Iterator: AsyncIteratorProtocol {
        private let reader: CSVReader
        private var cursor: CSVCursor?

        fileprivate init(reader: CSVReader) {
            self.reader = reader
        }

        public mutating func next() async throws(CSVFileError) -> CSVRecord? {
            try nextRecord()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(CSVFileError) -> CSVRecord? {
            try nextRecord()
        }

        private mutating func nextRecord() throws(CSVFileError) -> CSVRecord? {
            if cursor == nil { cursor = try reader.makeCursor() }
            return try cursor!.next()
        }
    }
}

/// A synchronous cursor over the records of a CSV input; see ``CSVReader``.
public struct CSVCursor {
    private let parser: CSVParser

    init(parser: CSVParser) {
        self.parser = parser
    }

    /// The next record, or `nil` at the end of the input.
    public mutating func next() throws(CSVFileError) -> CSVRecord? {
        try parser.next()
    }

    /// The delimiter the file's first line `sep=X` set, once the first record was read; `nil` without one.
    public var separatorLine: UInt8? { parser.separatorLine }

    /// Calls `body` with the next record's values as bytes, without copying them; `nil` at the end.
    public mutating func nextView<Result>(_ body: (CSVRecordView) throws -> Result) throws -> Result? {
        try parser.nextView(body)
    }
}
