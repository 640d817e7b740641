/// An input CSV file with its format options: opens it, reads and maps the header, and streams the
/// data rows.
public struct InputFile: Sendable {
    /// The path as the user gave it.
    public var path: String
    /// Format and limits.
    public var csvOptions: CSVReader.Options
    /// `--column 'Header=field'` options.
    public var overrides: [ColumnOverride]

    public init(path: String, csvOptions: CSVReader.Options = .init(), overrides: [ColumnOverride] = []) {
        self.path = path
        self.csvOptions = csvOptions
        self.overrides = overrides
    }

    /// Opens the file and reads its header: the first row that is not blank.
    public func open() throws(InputError) -> InputCursor {
        try InputCursor(records: CSVReader(path: path, options: csvOptions), path: path, overrides: overrides)
    }
}

/// Reads the data rows of an input, after its header; rows whose values are all empty are counted
/// and skipped.
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
    public init(records: CSVReader, path: String, overrides: [ColumnOverride] = []) throws(InputError) {
        self.path = path
        do {
            cursor = try records.makeCursor()
        } catch {
            throw InputError(.file(error), path: path)
        }
        var header: CSVRecord?
        repeat {
            do {
                header = try cursor.next()
            } catch {
                throw InputError(.file(error), path: path)
            }
            guard let record = header else { throw InputError(.empty, path: path) }
            if let problem = record.problem { throw InputError(.badHeader(problem), path: path) }
        } while header!.isEmpty
        headerRow = header!.row
        do {
            columns = try ColumnMap(header: header!.fields, overrides: overrides)
        } catch var error {
            error.path = path
            throw error
        }
    }

    /// Calls `body` with the next data row, its values not copied; `nil` at the end of the file.
    /// Throws ``InputError`` when the file cannot be read further, and whatever `body` throws.
    public mutating func nextRow<Result>(_ body: (RawRow) throws -> Result) throws -> Result? {
        let columns = self.columns
        while true {
            var skipped = false
            let outcome: Result??
            do {
                outcome = try cursor.nextView { view -> Result? in
                    if view.problem == nil, view.isEmpty {
                        skipped = true
                        return nil
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
