/// What the Flow Service (or the gateway before it) answered to one request, decoded.
public enum ServiceAnswer: Sendable, Equatable {
    /// The connection was created.
    case created(CreatedConnection)
    /// An HTTP answer that is an error.
    case refused(ServiceFailure)
    /// A success status whose body could not be read (not JSON, no `id`, too large): the connection
    /// may well exist, so the outcome is ambiguous.
    case unreadableSuccess(status: Int, requestID: String?, reason: String)
    /// No complete answer: timeout, reset, connection refused, TLS failure.
    case transport(TransportFailure)
}

/// A created connection, as `POST /connections` reports it.
public struct CreatedConnection: Sendable, Equatable {
    /// The connection ID.
    public var id: String
    /// The etag (a JSON string that itself holds quotes).
    public var etag: String?
    /// The HTTP status, 201.
    public var status: Int
    /// The `x-request-id` of the answer.
    public var requestID: String?
}

/// An HTTP error answer, with what its body says.
public struct ServiceFailure: Sendable, Equatable {
    /// Who answered.
    public enum Source: Sendable, Equatable {
        /// Adobe's API gateway: `{"error_code": ..., "message": ...}`.
        case gateway
        /// The Flow Service: a problem document with `type` ending in `FLOW-<code>-<status>`.
        case flowService
        /// Something else (a proxy's HTML page, an empty body).
        case other
    }

    /// The HTTP status.
    public var status: Int
    /// Who answered.
    public var source: Source
    /// The service's code: `401013`, `FLOW-1413-400`; `nil` when the body has none.
    public var code: String?
    /// The service's message, shortened, with known secrets masked.
    public var message: String
    /// The `x-request-id` of the answer.
    public var requestID: String?
    /// The `Retry-After` the answer asked for, in seconds.
    public var retryAfter: Double?

    public init(
        status: Int,
        source: Source,
        code: String?,
        message: String,
        requestID: String?,
        retryAfter: Double? = nil
    ) {
        self.status = status
        self.source = source
        self.code = code
        self.message = message
        self.requestID = requestID
        self.retryAfter = retryAfter
    }

    /// The code for the results file: the service's, or `http-<status>`.
    public var resultCode: String { code ?? "http-\(status)" }
}

/// A request that got no complete answer.
public struct TransportFailure: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, Equatable {
        /// No complete answer within the timeout.
        case timeout
        /// The connection was closed or reset before a complete answer.
        case connectionReset = "connection-reset"
        /// No connection could be made; the request was never sent.
        case connectFailed = "connect-failed"
        /// The TLS handshake failed (certificate not trusted, wrong host); nothing was sent.
        case tls = "tls-error"
        /// The answer was larger than flowbatch reads.
        case responseTooLarge = "response-too-large"
        /// Anything else.
        case other = "transport-error"
    }

    /// What happened.
    public var kind: Kind
    /// Whether the request may have reached the service (then the outcome is ambiguous).
    public var mayHaveBeenSent: Bool
    /// One readable sentence.
    public var message: String
}
