import FlowBatchModel

/// Why an input cannot be used at all; nothing is sent.
///
/// ``exitCode`` follows the command-line contract: 64 for a bad option, 65 for a file that is not a
/// usable CSV, 66 for a file that cannot be read.
public struct InputError: ExitStatusProviding, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// The file could not be read, or is not text in a supported encoding.
        case file(CSVFileError)
        /// The file holds no header row.
        case empty
        /// The header row itself could not be read.
        case badHeader(CSVRecordProblem)
        /// No column gives `name`; `laterHeaderRow` is a row below that has one (the header under a title).
        case noNameColumn(headers: [String], laterHeaderRow: Int? = nil)
        /// `--header-row N` is past the last row of the file (`last`).
        case noHeaderRow(Int, last: Int)
        /// `--header-row N` names a blank row.
        case blankHeaderRow(Int)
        /// Two columns give the same field.
        case fieldGivenTwice(field: Field, first: String, second: String)
        /// A `--column` option is not `Header=field` with a known field.
        case badOverride(String)
        /// A `--column` option names a header the file does not have.
        case unknownOverrideHeader(override: String, headers: [String])
        /// A `--carry` or `--no-carry` option names a header the file does not have.
        case unknownCarryHeader(option: String, header: String, headers: [String])
        /// A `--carry` option names a column that is sent as a field.
        case carriedField(header: String, field: Field)
        /// `--carry` and `--no-carry` name the same column.
        case carriedAndWithheld(header: String)
        /// A row (the header is row 1) holds bytes that are not UTF-8, in a file read as UTF-8.
        case notUTF8(row: Int, looksLike: TextEncoding.Guess)
        /// The header reads as one column holding another delimiter: the file uses that one.
        case otherDelimiter(header: String, found: UInt8, expected: UInt8)
    }

    /// What went wrong.
    public var code: Code
    /// The input's path, when known.
    public var path: String?

    public init(_ code: Code, path: String? = nil) {
        self.code = code
        self.path = path
    }

    /// The process exit status for this error.
    public var exitStatus: ExitStatus {
        switch code {
        case .file(let error):
            switch error.code {
            case .notFound, .unreadable: .unreadableInput
            case .unsupportedEncoding, .otherEncoding, .workbook, .numbers, .json, .changedWhileReading,
                .tooManyUnterminatedQuotes:
                .unusableInput
            }
        case .empty, .badHeader, .noNameColumn, .fieldGivenTwice, .notUTF8, .otherDelimiter: .unusableInput
        case .noHeaderRow, .blankHeaderRow: .configuration
        case .badOverride, .unknownOverrideHeader, .unknownCarryHeader, .carriedField, .carriedAndWithheld:
            .configuration
        }
    }

    public var description: String {
        let prefix = path.map { "\($0): " } ?? ""
        switch code {
        case .file(let error):
            return error.description
        case .empty:
            return prefix + "the file is empty; the first row must be a header such as 'name,host,username,password'"
        case .badHeader(let problem):
            return prefix + "the header row cannot be read: \(problem.description)"
        case .noNameColumn(let headers, let later?):
            let shown = headers.isEmpty ? "no columns" : headers.map { "'\($0)'" }.joined(separator: ", ")
            return prefix
                + "no 'name' column in the header row (it has \(shown)), but row \(later) has one:"
                + " if that is the header, pass --header-row \(later) (rows above it are skipped)"
        case .noNameColumn(let headers, nil):
            let shown = headers.isEmpty ? "no columns" : headers.map { "'\($0)'" }.joined(separator: ", ")
            return prefix
                + "no 'name' column (the header has \(shown)); add one, check --delimiter, or map a column with --column 'Header=name'"
        case .noHeaderRow(let wanted, let last):
            return prefix + "--header-row \(wanted): the file ends at row \(last)"
        case .blankHeaderRow(let wanted):
            return prefix
                + "--header-row \(wanted): that row is blank; pass the row number of the header as the spreadsheet shows it"
        case .fieldGivenTwice(let field, let first, let second):
            return prefix
                + "columns '\(first)' and '\(second)' both give \(field.rawValue); keep one or map the other with --column"
        case .badOverride(let text):
            let fields = Field.allCases.map(\.rawValue).joined(separator: ", ")
            return "--column '\(text)': write 'Header=field' where field is one of \(fields)"
        case .unknownOverrideHeader(let override, let headers):
            let shown = headers.map { "'\($0)'" }.joined(separator: ", ")
            return prefix + "--column '\(override)': the file has no such column (it has \(shown))"
        case .unknownCarryHeader(let option, let text, let headers):
            let shown = headers.map { "'\($0)'" }.joined(separator: ", ")
            return prefix + "\(option) '\(text)': the file has no such column (it has \(shown))"
        case .carriedField(let text, let field):
            return prefix + "--carry '\(text)': that column is sent as \(field.rawValue), and fields are never carried"
        case .carriedAndWithheld(let text):
            return prefix + "column '\(text)' is named by both --carry and --no-carry; keep one"
        case .notUTF8(let row, let guess):
            return prefix
                + "row \(row) is not valid UTF-8; the file looks like \(guess): save it as \"CSV UTF-8\""
                + " or pass --encoding \(guess.encoding.rawValue); nothing was sent"
        case .otherDelimiter(let header, let found, let expected):
            let name = { (byte: UInt8) in byte == UInt8(ascii: "\t") ? "tab" : "'\(Character(Unicode.Scalar(byte)))'" }
            return prefix
                + "the header '\(header)' reads as one column: it holds \(name(found)) but no \(name(expected));"
                + " pass --delimiter \(found == UInt8(ascii: "\t") ? "tab" : name(found))"
        }
    }
}
