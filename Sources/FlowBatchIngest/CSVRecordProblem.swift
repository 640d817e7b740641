/// Why one record of a CSV file could not be read cleanly.
///
/// Never carries a value from the file: values may be secrets.
public struct CSVRecordProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// A quote inside a value that is not enclosed in quotes (`ab"c`).
        case quoteInUnquotedValue
        /// Characters between a closing quote and the next delimiter (`"abc"def`).
        case textAfterClosingQuote
        /// A quote opened and never closed: the value ran to the end of the file or past the size limit.
        case unterminatedQuote
        /// The record is longer than the limit, in bytes.
        case tooLarge(limit: Int)
        /// The record has more values than the limit.
        case tooManyColumns(limit: Int)
        /// A value holds a NUL byte, which text files never contain.
        case nulByte
        /// A value is not valid UTF-8.
        case invalidUTF8
        /// The record has more or fewer values than the header has columns.
        case ragged(values: Int, columns: Int)
    }

    /// What went wrong.
    public var code: Code

    /// The zero-based position of the value where it went wrong, when known.
    public var column: Int?

    /// Creates a problem.
    public init(_ code: Code, column: Int? = nil) {
        self.code = code
        self.column = column
    }

    /// A short, stable identifier for results files and summaries.
    public var identifier: String {
        switch code {
        case .quoteInUnquotedValue, .textAfterClosingQuote, .unterminatedQuote: "malformed-csv"
        case .tooLarge: "row-too-large"
        case .tooManyColumns: "too-many-columns"
        case .nulByte: "nul-byte"
        case .invalidUTF8: "invalid-utf8"
        case .ragged(let values, let columns): values > columns ? "too-many-values" : "too-few-values"
        }
    }

    /// One sentence saying what is wrong and how to fix it.
    public var description: String {
        switch code {
        case .quoteInUnquotedValue:
            "a quote inside a value that is not in quotes; put the whole value in quotes and double the quote (\"ab\"\"c\")"
        case .textAfterClosingQuote:
            "characters after the closing quote of a quoted value; a quote inside a quoted value must be doubled (\"\")"
        case .unterminatedQuote:
            "a quote opens a value that never closes; reading went on from the next line"
        case .tooLarge(let limit):
            "the row is longer than \(ByteCountFormat.describe(limit)), the most a row may hold"
        case .tooManyColumns(let limit):
            "the row has more than \(limit) values, the most a row may hold"
        case .nulByte:
            "a value contains a NUL byte (0x00); is this a text file?"
        case .invalidUTF8:
            "a value is not valid UTF-8; save the file as \"CSV UTF-8\" and try again"
        case .ragged(let values, let columns) where values > columns:
            "the row has \(values) values but the header has \(columns) columns; a value holding the delimiter must be in quotes"
        case .ragged(let values, let columns):
            "the row has \(values) value\(values == 1 ? "" : "s") but the header has \(columns) columns;"
                + " every row needs one value (which may be empty) per column"
        }
    }
}
