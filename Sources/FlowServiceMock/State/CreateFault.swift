/// What the fault generator chose for one `POST /connections`.
enum CreateFault: Hashable, Sendable {
    /// Answer normally.
    case none
    /// 500 `FLOW-1102-500` without creating.
    case internalError
    /// 503 `FLOW-1103-503` without creating.
    case unavailable
    /// Create, then 504 `FLOW-1104-504`.
    case gatewayTimeout
    /// Create, then close the TCP connection without an answer.
    case drop
    /// A hostile answer; creates when the kind does.
    case answer(AnswerFault)

    /// Whether the connection is created (given a valid request).
    var creates: Bool {
        switch self {
        case .none, .gatewayTimeout, .drop: true
        case .internalError, .unavailable: false
        case .answer(let kind): kind.creates
        }
    }
}
