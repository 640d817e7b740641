/// Something wrong (or worth a warning) with one cell or one row of the input.
///
/// Printed as `field: message`; never carries a secret value.
public struct RowProblem: Sendable, Equatable, CustomStringConvertible {
    /// Stable identifiers, as written in the results file's `error_code` column.
    public enum Code: String, Sendable, Equatable {
        case missingField = "missing-field"
        case invalidURL = "invalid-url"
        case invalidDate = "invalid-date"
        case invalidAuth = "invalid-auth"
        case conflictingAuth = "conflicting-auth"
        case noCredentials = "no-credentials"
        case invalidSandbox = "invalid-sandbox"
        case tooLong = "too-long"
        case invalidCharacter = "invalid-character"
        case duplicateName = "duplicate-name"
        case tooManyValues = "too-many-values"
        case tooFewValues = "too-few-values"
        case malformedCSV = "malformed-csv"
        case rowTooLarge = "row-too-large"
        case tooManyColumns = "too-many-columns"
        case nulByte = "nul-byte"
        case invalidUTF8 = "invalid-utf8"
        /// A source param (`run --through source|flow`) that breaks the connection spec's `sourceSpec`.
        case invalidSourceParam = "invalid-source-param"
        /// Not a problem: a warning about a value that was changed or will be ignored.
        case warning
    }

    /// The field or column it concerns (`csv` for the row's syntax).
    public var field: String
    /// What kind of problem it is.
    public var code: Code
    /// One readable sentence.
    public var message: String

    public init(field: String, code: Code, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    public init(_ field: Field, _ code: Code, _ message: String) {
        self.init(field: field.rawValue, code: code, message: message)
    }

    public var description: String { "\(field): \(message)" }
}
