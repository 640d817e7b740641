/// A mock option whose value cannot be used.
public struct MockConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the value.
    public enum Code: String, Sendable, Equatable {
        /// A duration that is not a number followed by `ms`, `s`, `m` or `h`.
        case invalidDuration
        /// An answer fault that is not `KIND=SHARE` with a known kind.
        case invalidAnswerFault
        /// A number outside the range the option allows.
        case outOfRange
        /// The shares of `POST /connections` given to faults add up to more than 1.
        case sharesExceedOne
        /// An option given without the one it needs; ``value`` names that one.
        case needsOption
        /// A file that cannot be read as PEM (a TLS certificate or key).
        case unusableFile
    }

    /// What is wrong.
    public var code: Code
    /// The option, as spelled on the command line (without `--`).
    public var option: String
    /// The value given.
    public var value: String

    /// Creates an error for `option` holding `value`.
    public init(_ code: Code, option: String, value: String) {
        self.code = code
        self.option = option
        self.value = value
    }

    /// One sentence naming the option, the value and what is expected.
    public var description: String {
        switch self.code {
        case .invalidDuration:
            "--\(self.option): '\(self.value)' is not a duration; write a number and a unit, e.g. 20ms, 1.5s, 2m, 24h."
        case .invalidAnswerFault:
            "--\(self.option): '\(self.value)' is not KIND=SHARE; kinds are "
                + AnswerFault.allCases.map(\.rawValue).joined(separator: ", ") + "."
        case .outOfRange:
            "--\(self.option): '\(self.value)' is out of range."
        case .needsOption:
            "--\(self.option) needs --\(self.value) too."
        case .sharesExceedOne:
            "The fault shares of POST /connections add up to \(self.value), more than 1."
        case .unusableFile:
            "--\(self.option): '\(self.value)' cannot be read as a PEM file."
        }
    }
}
