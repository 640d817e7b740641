/// Why an input cannot be used at all; nothing is sent.
///
/// ``exitCode`` follows the command-line contract: 64 for a bad option, 65 for a file that is not a
/// usable CSV, 66 for a file that cannot be read.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// The file could not be read, or is not text in a supported encoding.
        case file(CSVFileError)
        /// The file holds no header row.
        case empty
        /// The header row itself could not be read.
        case badHeader(CSVRecordProblem)
        /// No column gives `name`.
        case noNameColumn(headers: [String])
        /// Two columns give the same field.
        case fieldGivenTwice(field: Field, first: String, second: String)
        /// A `--column` option is not `Header=field` with a known field.
        case badOverride(String)
        /// A `--column` option names a header the file does not have.
        case unknownOverrideHeader(override: String, headers: [String])
    }

    /// What went wrong.
    public var code: Code
    /// The input's path, when known.
    public var path: String?

    public init(_ code: Code, path: String? = nil) {
        self.code = code
        self.path = path
    }

    /// The process exit code for this error.
    public var exitCode: Int32 {
        switch code {
        case .file(let error):
            switch error.code {
            case .notFound, .unreadable: 66
            case .unsupportedEncoding, .changedWhileReading, .tooManyUnterminatedQuotes: 65
            }
        case .empty, .badHeader, .noNameColumn, .fieldGivenTwice: 65
        case .badOverride, .unknownOverrideHeader: 64
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
        case .noNameColumn(let headers):
            let shown = headers.isEmpty ? "no columns" : headers.map { "'\($0)'" }.joined(separator: ", ")
            return prefix
                + "no 'name' column (the header has \(shown)); add one, check --delimiter, or map a column with --column 'Header=name'"
        case .fieldGivenTwice(let field, let first, let second):
            return prefix + "columns '\(first)' and '\(second)' both give \(field.rawValue); keep one or map the other with --column"
        case .badOverride(let text):
            let fields = Field.allCases.map(\.rawValue).joined(separator: ", ")
            return "--column '\(text)': write 'Header=field' where field is one of \(fields)"
        case .unknownOverrideHeader(let override, let headers):
            let shown = headers.map { "'\($0)'" }.joined(separator: ", ")
            return prefix + "--column '\(override)': the file has no such column (it has \(shown))"
        }
    }
}
