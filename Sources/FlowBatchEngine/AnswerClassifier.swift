import FlowBatchModel

/// Decides what one request's failure means for the row and for the run: whether it stops the run,
/// its sandbox or only the row, and whether it is worth retrying. (A sandbox refused for every row
/// is then remembered by `SandboxRefusals`, which may make it the run's error.)
public enum AnswerClassifier {
    /// The meaning of one failure.
    public enum Disposition: Sendable, Equatable {
        /// This row is wrong; retrying cannot help. The other rows may be fine.
        case rowError(RunError)
        /// Every row would fail the same way: stop the run.
        case runError(RunError)
        /// Every row of this sandbox would fail the same way (it does not exist, or the credentials
        /// lack a permission there); the other sandboxes' rows may be fine.
        case sandboxError(RunError)
        /// Worth retrying. `ambiguous`: the request may have created the connection.
        case transient(RetryReason, ambiguous: Bool)
    }

    private static let runErrorCodes: [String: RunError.Code] = [
        "403000": .forbidden, "403003": .forbidden, "403010": .forbidden, "403025": .forbidden,
        "403027": .forbidden, "400003": .forbidden, "FLOW-2105-400": .forbidden,
        // The same for every row: the token empty or invalid, the org not entitled, the spec or its
        // auth spec name unknown (flow-service-api.md, "Which errors are whose").
        "FLOW-2000-401": .forbidden, "FLOW-2114-400": .forbidden, "FLOW-2115-400": .forbidden,
        "FLOW-1100-400": .forbidden,
        "FLOW-1413-400": .connectionSpec, "FLOW-1415-400": .connectionSpec,
        // "PATCH Connection Feature not enabled": no row can be updated in this org.
        "FLOW-1445-400": .patchNotEnabled,
    ]

    /// Answers that are the same for every row of one sandbox.
    private static let sandboxErrorCodes: [String: RunError.Code] = [
        "FLOW-2100-404": .sandboxNotFound, "FLOW-2101-404": .sandboxNotFound, "FLOW-2103-404": .sandboxNotFound,
        "FLOW-2118-403": .permissionDenied, "FLOW-2120-403": .permissionDenied, "FLOW-2121-403": .permissionDenied,
    ]

    /// What `error`, thrown by a request to the Flow Service, means for the row and the run. An
    /// error that is no request's failure (IMS issued no token, a token refused again and again, an
    /// outage past `--outage-limit`) is thrown again as it is: it stops the run.
    public static func classify(_ error: RunError, sandbox: String) throws(RunError) -> Disposition {
        switch error.code {
        case .tls:
            // A certificate that is not trusted will not become trusted by retrying.
            return .runError(
                RunError(
                    .transport,
                    "\(error.message); flowbatch always verifies certificates: check --endpoint and --ims-url"
                )
            )
        case .timeout, .connectionReset, .connectFailed, .transportError:
            return .transient(RetryReason(error, unreachable: true), ambiguous: error.mayHaveBeenSent)
        case .malformedResponse:
            var reported = error
            reported.message = "HTTP \(error.httpStatus ?? 200) but \(error.message); the connection may exist"
            return .transient(RetryReason(reported), ambiguous: true)
        case .serviceRefused, .gatewayRefused, .httpRefused:
            return classify(refusal: error, sandbox: sandbox)
        default:
            throw error
        }
    }

    private static func classify(refusal failure: RunError, sandbox: String) -> Disposition {
        let status = failure.httpStatus ?? 0
        if let code = failure.serviceCode, let runCode = runErrorCodes[code] {
            return .runError(runError(runCode, failure, sandbox: sandbox))
        }
        if let code = failure.serviceCode, let sandboxCode = sandboxErrorCodes[code] {
            var scoped = failure
            scoped.message = runError(sandboxCode, failure, sandbox: sandbox).message
            return .sandboxError(scoped)
        }
        switch status {
        case 300..<400:
            // Credentials are never re-sent to wherever a redirect points: the endpoint is wrong.
            return .runError(
                RunError(
                    .forbidden,
                    "the endpoint answered \(status) (a redirect); flowbatch does not follow redirects with"
                        + " credentials: set --endpoint to the final URL",
                    serviceCode: failure.serviceCode,
                    requestID: failure.requestID
                )
            )
        case 429:
            return .transient(RetryReason(failure, retryAfter: failure.retryAfter, throttled: true), ambiguous: false)
        case 408:
            // The server gave up waiting; a proxy may have passed the request on: looked up first.
            return .transient(RetryReason(failure, retryAfter: failure.retryAfter, unreachable: true), ambiguous: true)
        case 500, 502, 503, 504:
            return .transient(RetryReason(failure, retryAfter: failure.retryAfter, unreachable: true), ambiguous: true)
        case 403:
            return .runError(runError(.permissionDenied, failure, sandbox: sandbox))
        case 404 where failure.code == .serviceRefused && failure.serviceCode != nil:
            // The Flow Service says what is missing (a connection, another resource): this row's.
            return .rowError(failure)
        case 404, 405:
            // The path itself is not there (a Flow Service error would say what is missing): the
            // endpoint is wrong for every row.
            return .runError(
                RunError(
                    .forbidden,
                    "the endpoint answered \(status) for the Flow Service's /connections path: check --endpoint (\(failure.message))",
                    httpStatus: status,
                    serviceCode: failure.serviceCode,
                    requestID: failure.requestID
                )
            )
        case 501..<600:
            return .transient(RetryReason(failure, retryAfter: failure.retryAfter, unreachable: true), ambiguous: true)
        default:
            return .rowError(failure)
        }
    }

    private static func runError(_ code: RunError.Code, _ failure: RunError, sandbox: String) -> RunError {
        let advice: String
        switch code {
        case .sandboxNotFound:
            advice = "sandbox '\(sandbox)' does not exist for this org: check --sandbox or the sandbox column"
        case .permissionDenied:
            advice =
                "the credentials lack a permission in sandbox '\(sandbox)' (sources must be viewable to list them,"
                + " manageable to create or change them)"
        case .patchNotEnabled:
            advice =
                "the Flow Service does not allow connections to be patched for this org, so --if-exists update"
                + " cannot update any row: ask Adobe to enable the feature, or use --if-exists skip"
        case .connectionSpec:
            advice =
                "the Flow Service refused the generic REST connection spec or its auth spec name for every row:"
                + " check --oauth-spec-name and the spec the service lists"
        default: advice = "the gateway refused the request: check AEP_ORG_ID, AEP_API_KEY and the credentials"
        }
        return RunError(
            code,
            "\(advice) (\(failure.message))",
            serviceCode: failure.serviceCode,
            requestID: failure.requestID
        )
    }
}
