/// An input CSV file with its format options: opens it, reads and maps the header, and streams the
/// data rows.
public struct InputFile: Sendable {
    /// The path as the user gave it.
    public var path: String
    /// Format and limits.
    public var csvOptions: CSVReader.Options
    /// `--column 'Header=field'` options.
    public var overrides: [ColumnOverride]
    /// `--carry` and `--no-carry` options: headers of columns to carry into the results, or to withhold.
    public var carry: [String]
    public var noCarry: [String]

    public init(
        path: String,
        csvOptions: CSVReader.Options = .init(),
        overrides: [ColumnOverride] = [],
        carry: [String] = [],
        noCarry: [String] = []
    ) {
        self.path = path
        self.csvOptions = csvOptions
        self.overrides = overrides
        self.carry = carry
        self.noCarry = noCarry
    }

    /// Opens the file and reads its header: the first row that is not blank.
    public func open() throws(InputError) -> InputCursor {
        try InputCursor(
            records: CSVReader(path: path, options: csvOptions),
            path: path,
            overrides: overrides,
            carry: carry,
            noCarry: noCarry
        )
    }
}

/// Reads the data rows of an input, after its header; rows whose values are all empty are counted
/// and skipped. A row that is not UTF-8 ends reading with ``InputError`` (the file is in another
/// encoding): every path reads the whole file once before it sends anything, so none is sent.
public struct InputCursor {
    /// How the header's columns map to fields.
    public let columns: ColumnMap
    /// The spreadsheet row number of the header.
    public let headerRow: Int
    /// Rows skipped because every value in them is empty.
    public private(set) var emptyRows = 0

    private var cursor: CSVCursor
    private let path: String

    /// Opens `records` and reads the header; used by ``InputFile/open()`` and by tests on bytes.
    public init(
        records: CSVReader,
        path: String,
        overrides: [ColumnOverride] = [],
        carry: [String] = [],
        noCarry: [String] = []
    ) throws(InputError) {
        self.path = path
        do {
            cursor = try records.makeCursor()
        } catch {
            throw InputError(.file(error), path: path)
        }
        var header: CSVRecord?
        repeat {
            let read: (record: CSVRecord, guess: TextEncoding.Guess?)?
            do {
                read = try cursor.nextView { ($0.record(), $0.encodingGuess) }
            } catch let error as CSVFileError {
                throw InputError(.file(error), path: path)
            } catch {
                preconditionFailure("reading the header throws only CSVFileError")
            }
            guard let read else { throw InputError(.empty, path: path) }
            if let guess = read.guess { throw InputError(.notUTF8(row: read.record.row, looksLike: guess), path: path) }
            if let problem = read.record.problem { throw InputError(.badHeader(problem), path: path) }
            header = read.record
        } while header!.isEmpty
        headerRow = header!.row
        try Self.checkDelimiter(header!.fields, delimiter: records.options.delimiter, path: path)
        do {
            columns = try ColumnMap(header: header!.fields, overrides: overrides, carry: carry, noCarry: noCarry)
        } catch var error {
            error.path = path
            throw error
        }
    }

    /// A header that reads as one column holding another delimiter and not this one: the file uses the other.
    private static func checkDelimiter(_ header: [String], delimiter: UInt8, path: String) throws(InputError) {
        guard header.count == 1 else { return }
        let text = header[0]
        let candidates = [UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: ",")].filter { $0 != delimiter }
        guard let found = candidates.first(where: { text.utf8.contains($0) }) else { return }
        throw InputError(.otherDelimiter(header: text, found: found, expected: delimiter), path: path)
    }

    /// Calls `body` with the next data row, its values not copied; `nil` at the end of the file.
    /// Throws ``InputError`` when the file cannot be read further, and whatever `body` throws.
    public mutating func nextRow<Result>(_ body: (RawRow) throws -> Result) throws -> Result? {
        let columns = self.columns
        let path = self.path
        while true {
            var skipped = false
            let outcome: Result??
            do {
                outcome = try cursor.nextView { view -> Result? in
                    if view.problem == nil, view.isEmpty {
                        skipped = true
                        return nil
                    }
                    if let guess = view.encodingGuess {
                        throw InputError(.notUTF8(row: view.row, looksLike: guess), path: path)
                    }
                    return try body(RawRow(view: view, columns: columns))
                }
            } catch let error as CSVFileError {
                throw InputError(.file(error), path: path)
            }
            guard let outcome else { return nil }
            if skipped {
                emptyRows += 1
                continue
            }
            return outcome
        }
    }
}
