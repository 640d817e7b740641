import Hummingbird

/// An error of Flow Service itself, in Adobe's problem shape:
/// `{"type": ".../FLOW-1413-400", "title", "status", "report": {"detailed-message", "request-id"},
/// "errorMessage", "errorDetails"}`, sent as `application/problem+json`.
///
/// Codes that Adobe documents are used as documented. Where Adobe's documents name no code, the
/// mock uses: `1400-400` for a body that is not JSON, not an object, of the wrong field types, or
/// missing `name`, `auth`, `auth.specName` or `connectionSpec.id` (and, with the title
/// `BadRequestError`, for a wrong `Content-Type`); `1416-400` for auth params that are missing or
/// invalid (the message names them); `1401-400` for any unusable query parameter, not only
/// `count` with `limit`; `1400-413` for a body over 1 MiB.
struct FlowServiceProblem: MockErrorAnswer, Equatable {
    static let contentType = "application/problem+json"

    /// Flow Service's number, e.g. `1413` in `FLOW-1413-400`.
    var code: Int
    var status: HTTPResponse.Status
    var title: String
    var message: String

    /// The `type` URI, e.g. `https://ns.adobe.com/aep/errors/FLOW-1413-400`.
    var type: String {
        "https://ns.adobe.com/aep/errors/FLOW-\(self.code)-\(self.status.code)"
    }

    func response(requestID: String) -> Response {
        let body: JSONOutput = .object([
            ("type", .string(self.type)),
            ("title", .string(self.title)),
            ("status", .integer(Int64(self.status.code))),
            ("report", .object([("detailed-message", .string(self.message)), ("request-id", .string(requestID))])),
            ("errorMessage", .string(self.message)),
            ("errorDetails", .string(self.message)),
        ])
        return JSONAnswer.response(self.status, body, contentType: Self.contentType)
    }
}

extension FlowServiceProblem {
    private static func invalidRequest(_ code: Int, _ message: String) -> FlowServiceProblem {
        FlowServiceProblem(code: code, status: .badRequest, title: "Invalid request", message: message)
    }

    static func wrongContentType(_ contentType: String?) -> FlowServiceProblem {
        FlowServiceProblem(
            code: 1400,
            status: .badRequest,
            title: "BadRequestError",
            message: "Content-Type '\(contentType ?? "")' is not supported. Send the body as application/json."
        )
    }

    static let emptyBody = invalidRequest(1405, "The request body is empty. Provide a request body and try again.")

    static let bodyTooLarge = FlowServiceProblem(
        code: 1400,
        status: .contentTooLarge,
        title: "Payload Too Large",
        message: "The request body is larger than the service accepts (1 MiB)."
    )

    static let malformedJSON = invalidRequest(1400, "The request body is not valid JSON.")

    static let notAnObject = invalidRequest(1400, "The request body must be a JSON object.")

    static func wrongType(_ field: String, expected: String) -> FlowServiceProblem {
        invalidRequest(1400, "The field '\(field)' must be \(expected).")
    }

    static func missingField(_ field: String) -> FlowServiceProblem {
        invalidRequest(1400, "The field '\(field)' is required. Provide it and try again.")
    }

    static func unknownConnectionSpec(_ id: String) -> FlowServiceProblem {
        invalidRequest(1413, "The spec ID provided is invalid. Connection spec '\(id)' does not exist.")
    }

    static func unknownConnectionSpecVersion(_ id: String, version: String) -> FlowServiceProblem {
        invalidRequest(1413, "The spec ID provided is invalid. Connection spec '\(id)' has no version '\(version)'.")
    }

    static func unknownAuthSpec(_ name: String, known: [String]) -> FlowServiceProblem {
        invalidRequest(
            1415,
            "The auth spec name '\(name)' is invalid for this connection spec. Supported: "
                + known.map { "'\($0)'" }.joined(separator: ", ") + "."
        )
    }

    /// Missing and invalid auth params of one request, all named in one message.
    static func invalidAuthParams(specName: String, missing: [String], invalid: [String]) -> FlowServiceProblem {
        var sentences: [String] = []
        if !missing.isEmpty {
            sentences.append("Missing required auth params for '\(specName)': \(missing.joined(separator: ", ")).")
        }
        sentences.append(contentsOf: invalid)
        return invalidRequest(1416, sentences.joined(separator: " "))
    }

    /// The credential test against `authorizationTestUrl` failed. Adobe documents that the create
    /// fails then, not with which code: 1417 is the mock's choice.
    static func credentialTestFailed(_ testURL: String) -> FlowServiceProblem {
        invalidRequest(1417, "The connection test failed: the authorization test URL '\(testURL)' could not be reached with the given credentials.")
    }

    static func invalidQuery(_ message: String) -> FlowServiceProblem {
        invalidRequest(1401, message)
    }

    static let countWithLimit = invalidRequest(
        1401,
        "The limit and count parameters cannot be given together in the same request. "
            + "Please provide either only the limit or the count parameter and try again."
    )

    static let notFound = FlowServiceProblem(
        code: 1101,
        status: .notFound,
        title: "Resource not found",
        message: "The requested resource is not found. Error from flow provider: Resource with given id does not exist."
    )

    static func sandboxNotFound(_ name: String) -> FlowServiceProblem {
        FlowServiceProblem(
            code: 2100,
            status: .notFound,
            title: "Sandbox not found",
            message: "The sandbox '\(name)' was not found. Check the x-sandbox-name header and try again."
        )
    }

    static let sandboxHeaderMissing = FlowServiceProblem(
        code: 2105,
        status: .badRequest,
        title: "Header is missing",
        message: "The header 'x-sandbox-name' is missing in the request. Please provide the header and try again."
    )

    static let internalError = FlowServiceProblem(
        code: 1102,
        status: .internalServerError,
        title: "Internal Error",
        message:
            "An internal error has occurred. Please try again. If the problem persists, please contact customer support."
    )

    static let unavailable = FlowServiceProblem(
        code: 1103,
        status: .serviceUnavailable,
        title: "Service Unavailable",
        message:
            "The service is temporarily unavailable. Please try again. If the problem persists, please contact customer support."
    )

    static let gatewayTimeout = FlowServiceProblem(
        code: 1104,
        status: .gatewayTimeout,
        title: "Gateway Timeout",
        message:
            "A gateway timeout has occurred. Please try again. If the problem persists, please contact customer support."
    )
}
