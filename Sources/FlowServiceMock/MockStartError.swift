/// The mock could not start serving.
public struct MockStartError: Error, Sendable, CustomStringConvertible {
    /// The address the mock tried to listen on, `HOST:PORT`.
    public var address: String

    /// One sentence saying that the server stopped before it was listening.
    public var description: String {
        "The mock server stopped before it was listening on \(self.address)."
    }
}
