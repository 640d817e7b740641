import FlowBatchModel
import FlowServiceAPI

/// Decides what an answer to `POST /connections` means for the row and for the run.
public enum AnswerClassifier {
    /// The meaning of one answer.
    public enum Disposition: Sendable, Equatable {
        /// The connection was created.
        case created(CreatedConnection)
        /// This row is wrong; retrying cannot help. The other rows may be fine.
        case rowError(Failure)
        /// Every row would fail the same way: stop the run.
        case runError(RunError)
        /// Every row of this sandbox would fail the same way (it does not exist, or the credentials
        /// lack a permission there); the other sandboxes' rows may be fine.
        case sandboxError(Failure)
        /// Worth retrying. `ambiguous`: the request may have created the connection.
        case transient(RetryReason, ambiguous: Bool)
    }

    /// What a failed answer said, for the results file.
    public typealias Failure = RequestFailure

    private static let runErrorCodes: [String: RunError.Code] = [
        "403000": .forbidden, "403003": .forbidden, "403010": .forbidden, "403025": .forbidden,
        "403027": .forbidden, "400003": .forbidden, "FLOW-2105-400": .forbidden,
        // The same for every row: the token empty or invalid, the org not entitled, the spec or its
        // auth spec name unknown (flow-service-api.md, "Which errors are whose").
        "FLOW-2000-401": .forbidden, "FLOW-2114-400": .forbidden, "FLOW-2115-400": .forbidden,
        "FLOW-1100-400": .forbidden,
        "FLOW-1413-400": .connectionSpec, "FLOW-1415-400": .connectionSpec,
    ]

    /// Answers that are the same for every row of one sandbox.
    private static let sandboxErrorCodes: [String: RunError.Code] = [
        "FLOW-2100-404": .sandboxNotFound, "FLOW-2101-404": .sandboxNotFound, "FLOW-2103-404": .sandboxNotFound,
        "FLOW-2118-403": .permissionDenied, "FLOW-2120-403": .permissionDenied, "FLOW-2121-403": .permissionDenied,
    ]

    public static func classify(_ answer: ServiceAnswer, sandbox: String) -> Disposition {
        switch answer {
        case .created(let created):
            return .created(created)
        case .unreadableSuccess(let status, let requestID, let reason):
            return .transient(
                RetryReason(
                    Failure(
                        code: "malformed-response",
                        message: "HTTP \(status) but \(reason); the connection may exist",
                        httpStatus: status,
                        requestID: requestID
                    )
                ),
                ambiguous: true
            )
        case .transport(let failure) where failure.kind == .tls:
            // A certificate that is not trusted will not become trusted by retrying.
            return .runError(
                RunError(
                    .transport,
                    "\(failure.message); flowbatch always verifies certificates: check --endpoint and --ims-url"
                )
            )
        case .transport(let failure):
            return .transient(
                RetryReason(Failure(code: failure.kind.rawValue, message: failure.message), unreachable: true),
                ambiguous: failure.mayHaveBeenSent
            )
        case .refused(let failure):
            return classify(failure, sandbox: sandbox)
        }
    }

    package static func classify(_ failure: ServiceFailure, sandbox: String) -> Disposition {
        let reported = Failure(
            code: failure.resultCode,
            message: failure.message,
            httpStatus: failure.status,
            requestID: failure.requestID
        )
        if let code = failure.code, let runCode = runErrorCodes[code] {
            return .runError(runError(runCode, failure, sandbox: sandbox))
        }
        if let code = failure.code, let sandboxCode = sandboxErrorCodes[code] {
            var scoped = reported
            scoped.message = runError(sandboxCode, failure, sandbox: sandbox).message
            return .sandboxError(scoped)
        }
        switch failure.status {
        case 300..<400:
            // Credentials are never re-sent to wherever a redirect points: the endpoint is wrong.
            return .runError(
                RunError(
                    .forbidden,
                    "the endpoint answered \(failure.status) (a redirect); flowbatch does not follow redirects with"
                        + " credentials: set --endpoint to the final URL",
                    serviceCode: failure.code,
                    requestID: failure.requestID
                )
            )
        case 429:
            return .transient(RetryReason(reported, retryAfter: failure.retryAfter, throttled: true), ambiguous: false)
        case 408:
            // The server gave up waiting; a proxy may have passed the request on: looked up first.
            return .transient(RetryReason(reported, retryAfter: failure.retryAfter, unreachable: true), ambiguous: true)
        case 500, 502, 503, 504:
            return .transient(RetryReason(reported, retryAfter: failure.retryAfter, unreachable: true), ambiguous: true)
        case 403:
            return .runError(runError(.permissionDenied, failure, sandbox: sandbox))
        case 404 where failure.source == .flowService && failure.code != nil:
            // The Flow Service says what is missing (a connection, another resource): this row's.
            return .rowError(reported)
        case 404, 405:
            // The path itself is not there (a Flow Service error would say what is missing): the
            // endpoint is wrong for every row.
            return .runError(
                RunError(
                    .forbidden,
                    "the endpoint answered \(failure.status) for the Flow Service's /connections path: check --endpoint (\(failure.message))",
                    serviceCode: failure.code,
                    requestID: failure.requestID
                )
            )
        case 501..<600:
            return .transient(RetryReason(reported, retryAfter: failure.retryAfter, unreachable: true), ambiguous: true)
        default:
            return .rowError(reported)
        }
    }

    private static func runError(_ code: RunError.Code, _ failure: ServiceFailure, sandbox: String) -> RunError {
        let advice: String
        switch code {
        case .sandboxNotFound:
            advice = "sandbox '\(sandbox)' does not exist for this org: check --sandbox or the sandbox column"
        case .permissionDenied:
            advice =
                "the credentials lack a permission in sandbox '\(sandbox)' (sources must be viewable to list them,"
                + " manageable to create or change them)"
        case .connectionSpec:
            advice =
                "the Flow Service refused the generic REST connection spec or its auth spec name for every row:"
                + " check --oauth-spec-name and the spec the service lists"
        default: advice = "the gateway refused the request: check AEP_ORG_ID, AEP_API_KEY and the credentials"
        }
        return RunError(code, "\(advice) (\(failure.message))", serviceCode: failure.code, requestID: failure.requestID)
    }
}
