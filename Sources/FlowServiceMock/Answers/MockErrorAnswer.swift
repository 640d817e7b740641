import Hummingbird

/// An error that the mock answers with; each family writes its body in its `response(requestID:)`.
///
/// `MockResponder` catches the families by their concrete types: a cast to this
/// protocol would cost a conformance lookup on every error answer.
protocol MockErrorAnswer: Error, Sendable {
    /// The complete answer; `requestID` is echoed where the family's body has room for it.
    func response(requestID: String) -> Response
}
