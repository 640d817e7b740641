/// A problem with settings or local files that stops a run before it sends anything (exit 64).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// Runs set-up that comes before anything is sent: a journal or results file that cannot be
    /// used there is a configuration error (exit 64, nothing sent), not a run error (exit 2, which
    /// says that running again resumes, while it would only meet the same file).
    package static func beforeSending<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RunError where error.code == .localFile {
            throw ConfigurationError(error.message)
        }
    }
}
