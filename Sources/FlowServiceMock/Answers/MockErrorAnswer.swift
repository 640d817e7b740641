import Hummingbird

/// An error that the mock answers with. The one place where each error family's body is written.
protocol MockErrorAnswer: Error, Sendable {
    /// The complete answer; `requestID` is echoed where the family's body has room for it.
    func response(requestID: String) -> Response
}
