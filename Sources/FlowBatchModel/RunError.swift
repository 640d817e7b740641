/// A failure that stops the whole run: every further row would fail the same way.
///
/// The run stops at once (exit status 2); rows not reached are `not-run`, and running the same
/// command again resumes once the cause is fixed.
public struct RunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What stopped the run.
    public enum Code: String, Sendable, Equatable {
        /// The access token was refused (401013), even a freshly issued one.
        case authenticationRejected = "authentication-rejected"
        /// IMS did not issue a token.
        case tokenService = "token-service"
        /// IMS refused the client credentials (`invalid_client`, `invalid_scope`, ...).
        case credentialsRefused = "credentials-refused"
        /// The IMS URL does not answer like IMS: nothing listens there, a page that is not IMS's, no token.
        case notTokenService = "not-token-service"
        /// The gateway refused the API key, org or token entitlement (403xxx), or a header is missing.
        case forbidden
        /// The sandbox does not exist.
        case sandboxNotFound = "sandbox-not-found"
        /// The credentials lack a permission the call needs.
        case permissionDenied = "permission-denied"
        /// So many requests failed with transient errors that retrying further would only add load.
        case retryBudgetSpent = "retry-budget-spent"
        /// The journal or results file could not be written.
        case localFile = "local-file"
        /// A listing the run depends on kept failing.
        case lookupFailed = "lookup-failed"
        /// The connection itself cannot be trusted (TLS verification failed).
        case transport
        /// The service refused the connection spec or its auth spec name (the same for every row).
        case connectionSpec = "connection-spec"
        /// The service answered nothing for longer than `--outage-limit`.
        case serviceUnreachable = "service-unreachable"
    }

    /// What stopped the run.
    public var code: Code
    /// One or two sentences: what happened and what to do.
    public var message: String
    /// The service's error code, when the service gave one.
    public var serviceCode: String?
    /// The `x-request-id` of the answer that stopped the run.
    public var requestID: String?

    public init(_ code: Code, _ message: String, serviceCode: String? = nil, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.serviceCode = serviceCode
        self.requestID = requestID
    }

    public var description: String {
        var text = message
        if let serviceCode { text += " [\(serviceCode)]" }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }
}
