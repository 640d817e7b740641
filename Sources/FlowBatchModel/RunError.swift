/// What went wrong: flowbatch's one error, from a request that got no complete answer or an answer
/// that refused it, to a run that cannot go on.
///
/// The error only says what happened. Whether a request's failure costs the row, its sandbox or the
/// whole run, and whether it is worth retrying, is decided by `AnswerClassifier` (and, for what holds
/// across rows, by `SandboxRefusals` and the connection spec's reading); the exit status it ends a
/// command with, by the one table ``ExitStatus`` (``ExitStatus/of(_:)``, and
/// ``ExitStatus/beforeWriting(_:)`` for the failures met before anything was written). A run error stops the run at once (exit status 2);
/// rows not reached are `not-run`, and running the same command again resumes once the cause is fixed.
public struct RunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of error, by flowbatch's name for it (as the results file writes it).
    ///
    /// A struct with static members rather than an enum, as swift-service-lifecycle's
    /// `ServiceGroupError.Code`: a new code is added without touching every `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name: `connection-reset`, `sandbox-not-found`.
        public let rawValue: String

        package init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        // MARK: No complete answer

        /// No complete answer within the timeout; the request may have been received.
        public static let timeout = Code("timeout")
        /// The connection was closed or reset before a complete answer; the request may have been received.
        public static let connectionReset = Code("connection-reset")
        /// No connection could be made; the request was never sent.
        public static let connectFailed = Code("connect-failed")
        /// The TLS handshake failed (certificate not trusted, wrong host); nothing was sent.
        public static let tls = Code("tls-error")
        /// Any other failure of the exchange; the request may have been received.
        public static let transportError = Code("transport-error")

        // MARK: An answer that is no success

        /// A Flow Service problem document (`type` ending in `FLOW-<code>-<status>`) refused the request.
        public static let serviceRefused = Code("service-refused")
        /// Adobe's API gateway (`{"error_code": ..., "message": ...}`) refused the request.
        public static let gatewayRefused = Code("gateway-refused")
        /// An error status with a body that is no API error (a proxy's HTML page, an empty body).
        public static let httpRefused = Code("http-refused")
        /// A success status whose body could not be read (not JSON, no `id`, too large).
        public static let malformedResponse = Code("malformed-response")

        // MARK: A row's request

        /// An update's connection no longer exists.
        public static let connectionGone = Code("connection-gone")
        /// A look-up could not tell whether an earlier request created the connection.
        public static let outcomeUnknown = Code("outcome-unknown")

        // MARK: The run

        /// The access token was refused (401013), even a freshly issued one.
        public static let authenticationRejected = Code("authentication-rejected")
        /// IMS did not issue a token.
        public static let tokenService = Code("token-service")
        /// IMS refused the client credentials (`invalid_client`, `invalid_scope`, ...).
        public static let credentialsRefused = Code("credentials-refused")
        /// The IMS URL does not answer like IMS: nothing listens there, a page that is not IMS's, no token.
        public static let notTokenService = Code("not-token-service")
        /// The gateway refused the API key, org or token entitlement (403xxx), or a header is missing.
        public static let forbidden = Code("forbidden")
        /// The sandbox does not exist.
        public static let sandboxNotFound = Code("sandbox-not-found")
        /// The credentials lack a permission the call needs.
        public static let permissionDenied = Code("permission-denied")
        /// So many requests failed with transient errors that retrying further would only add load.
        public static let retryBudgetSpent = Code("retry-budget-spent")
        /// The journal or results file could not be written.
        public static let localFile = Code("local-file")
        /// A listing the run depends on kept failing.
        public static let lookupFailed = Code("lookup-failed")
        /// The connection itself cannot be trusted (TLS verification failed).
        public static let transport = Code("transport")
        /// The service refused the connection spec or its auth spec name (the same for every row).
        public static let connectionSpec = Code("connection-spec")
        /// The service does not let connections be patched here (`FLOW-1445-400`): no update can be made.
        public static let patchNotEnabled = Code("patch-not-enabled")
        /// The service answered nothing for longer than `--outage-limit`.
        public static let serviceUnreachable = Code("service-unreachable")
        /// The run was stopped before the request could be made.
        public static let stopped = Code("stopped")
    }

    /// What kind of error.
    public var code: Code
    /// One or two sentences: what happened and what to do; any secret the answer echoed is masked.
    public var message: String
    /// The HTTP status of the answer, when there was one.
    public var httpStatus: Int?
    /// The service's error code (`401013`, `FLOW-1413-400`), when the service gave one.
    public var serviceCode: String?
    /// The `x-request-id` of the answer.
    public var requestID: String?
    /// The `Retry-After` the answer asked for, in seconds.
    public var retryAfter: Double?

    public init(
        _ code: Code,
        _ message: String,
        httpStatus: Int? = nil,
        serviceCode: String? = nil,
        requestID: String? = nil,
        retryAfter: Double? = nil
    ) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.serviceCode = serviceCode
        self.requestID = requestID
        self.retryAfter = retryAfter
    }

    /// Whether an answer refused the request (``Code/serviceRefused``, ``Code/gatewayRefused``,
    /// ``Code/httpRefused``).
    public var isRefusal: Bool { code == .serviceRefused || code == .gatewayRefused || code == .httpRefused }

    /// Whether the request may have reached the service: all but a connection never made.
    public var mayHaveBeenSent: Bool { code != .connectFailed && code != .tls }

    /// The code for the results file: the service's; `http-<status>` for a refusal without one;
    /// otherwise flowbatch's (`timeout`, `outcome-unknown`).
    public var resultCode: String {
        if let serviceCode { return serviceCode }
        if isRefusal, let httpStatus { return "http-\(httpStatus)" }
        return code.rawValue
    }

    public var description: String {
        var text = message
        if let serviceCode { text += " [\(serviceCode)]" }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }
}
