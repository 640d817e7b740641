/// A named retry policy of a ``FlowServiceSession``: which of the session's shared parts (the run-wide
/// retry budget, the window of requests in flight, the pace) a kind of request goes through, as
/// grpc-swift-2's `MethodConfig` names a `RetryPolicy` per method. Every request of a command gets its
/// retrier by one of these names.
public struct RequestPolicy: Sendable, Equatable {
    /// Failures spend the run-wide retry budget.
    var spendsBudget: Bool
    /// 429s narrow the window of requests in flight, answers widen it.
    var narrowsWindow: Bool
    /// Each try waits for the pace before it counts (`false` where the client paces page by page).
    var pacesEachTry: Bool
    /// The pace hears the answers at all.
    var paced: Bool

    /// A write of a row (create, patch): budget, window and pace.
    public static let write = RequestPolicy(spendsBudget: true, narrowsWindow: true, pacesEachTry: true, paced: true)
    /// A look-up or a listing page: paced page by page by the client, no budget, no window.
    public static let read = RequestPolicy(spendsBudget: false, narrowsWindow: false, pacesEachTry: false, paced: true)
    /// One request per connection of a bulk operation (delete, test): window and pace, no budget.
    public static let bulk = RequestPolicy(spendsBudget: false, narrowsWindow: true, pacesEachTry: true, paced: true)
}
