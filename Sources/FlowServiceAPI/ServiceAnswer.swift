/// One complete HTTP answer, of any status: what the transport gives for every request that got one.
///
/// A request that got no complete answer (a timeout, a reset, no connection, TLS, a success body
/// too large to read) throws a ``RunError`` instead.
public struct ServiceAnswer: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The `Content-Type`, when given.
    public var contentType: String?
    /// The `x-request-id`, when given.
    public var requestID: String?
    /// The `Retry-After`, when given and readable, in seconds.
    public var retryAfter: Double?
    /// The body, whole (an error answer's only up to the transport's limit).
    public var body: [UInt8]

    public init(
        status: Int,
        contentType: String? = nil,
        requestID: String? = nil,
        retryAfter: Double? = nil,
        body: [UInt8] = []
    ) {
        self.status = status
        self.contentType = contentType
        self.requestID = requestID
        self.retryAfter = retryAfter
        self.body = body
    }

    /// Whether the status is a success (2xx).
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// A connection that a create or a patch wrote, as the answer reports it.
public struct CreatedConnection: Sendable, Equatable {
    /// The connection ID.
    public var id: String
    /// The etag (a JSON string that itself holds quotes).
    public var etag: String?
    /// The HTTP status, 201 or 200.
    public var status: Int
    /// The `x-request-id` of the answer.
    public var requestID: String?
}
