import FlowBatchModel

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
    /// `--header-row N`: the spreadsheet row number of the header, when rows above it (a title) are
    /// to be skipped; `nil` takes the first row that is not blank.
    public var headerRow: Int?
    /// The file's bytes, when they were read already (standard input); `path` then only names it.
    public var contents: [UInt8]?
    /// `--through source|flow`: the columns that are not base connection fields may be sent as the
    /// source connections' params, which the notes say instead of "not sent".
    public var sourceParamsFollow = false

    public init(
        path: String,
        csvOptions: CSVReader.Options = .init(),
        overrides: [ColumnOverride] = [],
        carry: [String] = [],
        noCarry: [String] = [],
        headerRow: Int? = nil
    ) {
        self.path = path
        self.csvOptions = csvOptions
        self.overrides = overrides
        self.carry = carry
        self.noCarry = noCarry
        self.headerRow = headerRow
    }

    /// Opens the file and reads its header: row ``headerRow``, or the first row that is not blank.
    public func open() throws(InputError) -> InputCursor {
        var cursor = try InputCursor(
            records: contents.map { CSVReader(bytes: $0, name: path, options: csvOptions) }
                ?? CSVReader(path: path, options: csvOptions),
            path: path,
            overrides: overrides,
            carry: carry,
            noCarry: noCarry,
            headerRow: headerRow
        )
        cursor.sourceParamsFollow = sourceParamsFollow
        return cursor
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
    /// The delimiter that the file's first line `sep=X` set (Excel's), if it has one.
    public let separatorLine: UInt8?
    /// Rows skipped because every value in them is empty.
    public private(set) var emptyRows = 0
    /// See ``InputFile/sourceParamsFollow``.
    public var sourceParamsFollow = false

    private var cursor: CSVCursor
    private let path: String

    /// Opens `records` and reads the header (row `headerRow`, or the first that is not blank); used by
    /// ``InputFile/open()`` and by tests on bytes.
    public init(
        records: CSVReader,
        path: String,
        overrides: [ColumnOverride] = [],
        carry: [String] = [],
        noCarry: [String] = [],
        headerRow wantedRow: Int? = nil
    ) throws(InputError) {
        self.path = path
        do {
            cursor = try records.makeCursor()
        } catch {
            throw InputError(.file(error), path: path)
        }
        var header: CSVRecord?
        repeat {
            guard let read = try Self.nextRecord(&cursor, path: path) else {
                if let wantedRow, let header { throw InputError(.noHeaderRow(wantedRow, last: header.row), path: path) }
                throw InputError(.empty, path: path)
            }
            // Rows above `--header-row` (a title, a blank row) are not read at all.
            if let wantedRow, read.record.row < wantedRow {
                header = read.record
                continue
            }
            if let guess = read.guess { throw InputError(.notUTF8(row: read.record.row, looksLike: guess), path: path) }
            if let problem = read.record.problem { throw InputError(.badHeader(problem), path: path) }
            if let wantedRow, read.record.isEmpty { throw InputError(.blankHeaderRow(wantedRow), path: path) }
            header = read.record
        } while header!.isEmpty || header!.row < wantedRow ?? 0
        headerRow = header!.row
        separatorLine = cursor.separatorLine
        let delimiter = separatorLine ?? records.options.delimiter
        try Self.checkDelimiter(header!.fields, delimiter: delimiter, path: path)
        let dropped = try Self.emptyColumns(of: header!, in: records, path: path)
        do {
            columns = try ColumnMap(
                header: header!.fields,
                overrides: overrides,
                carry: carry,
                noCarry: noCarry,
                dropped: dropped
            )
        } catch var error {
            error.path = path
            if case .noNameColumn(let headers, nil) = error.code, wantedRow == nil {
                // A title above the header: say which row to pass, when a later one names a column `name`.
                if let later = Self.laterHeaderRow(&cursor, path: path) {
                    error.code = .noNameColumn(headers: headers, laterHeaderRow: later)
                }
            }
            throw error
        }
    }

    /// The next record, and what its bytes look like when they are not UTF-8.
    private static func nextRecord(
        _ cursor: inout CSVCursor,
        path: String
    ) throws(InputError) -> (record: CSVRecord, guess: TextEncoding.Guess?)? {
        do {
            return try cursor.nextView { ($0.record(), $0.encodingGuess) }
        } catch let error as CSVFileError {
            throw InputError(.file(error), path: path)
        } catch {
            preconditionFailure("reading a record throws only CSVFileError")
        }
    }

    /// The first of the next few rows that has a column matching `name`, for a header that has none.
    private static func laterHeaderRow(_ cursor: inout CSVCursor, path: String) -> Int? {
        for _ in 0..<20 {
            guard let read = try? nextRecord(&cursor, path: path) else { return nil }
            if read.record.fields.contains(where: { Field.matching(header: $0) == .name }) { return read.record.row }
        }
        return nil
    }

    /// The columns whose header cell is empty and under which every value is empty too (Google Sheets
    /// and Excel save a row's trailing empty cells as `,,,,`): they are neither sent nor carried.
    /// Costs one more read of the file, only when the header has an empty cell.
    private static func emptyColumns(
        of header: CSVRecord,
        in records: CSVReader,
        path: String
    ) throws(InputError)
        -> Set<Int>
    {
        var unused = Set(header.fields.indices.filter { header.fields[$0].allSatisfy(\.isWhitespace) })
        guard !unused.isEmpty else { return [] }
        var cursor: CSVCursor
        do {
            cursor = try records.makeCursor()
        } catch {
            throw InputError(.file(error), path: path)
        }
        do {
            while !unused.isEmpty {
                let more: Void? = try cursor.nextView { view in
                    guard view.row > header.row else { return }
                    for index in unused where index < view.count && !ByteText.trimmed(view[index]).isEmpty {
                        unused.remove(index)
                    }
                }
                if more == nil { break }
            }
        } catch let error as CSVFileError {
            throw InputError(.file(error), path: path)
        } catch {
            preconditionFailure("reading a record throws only CSVFileError")
        }
        return unused
    }

    /// Notes about the file as a whole, said once before its rows: Excel's `sep=` line, the columns not sent.
    public var notes: [String] {
        var notes: [String] = []
        if let separatorLine {
            let shown = separatorLine == UInt8(ascii: "\t") ? "tab" : "'\(Character(Unicode.Scalar(separatorLine)))'"
            notes.append("the first line 'sep=' (Excel's) sets the delimiter to \(shown); it is not a row")
        }
        notes += columns.notes(sourceParamsFollow: sourceParamsFollow)
        return notes
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
