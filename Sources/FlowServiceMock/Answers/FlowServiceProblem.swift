import Hummingbird

/// An error of Flow Service itself, in Adobe's problem shape:
/// `{"type": ".../FLOW-1413-400", "title", "status", "report": {"detailed-message", "request-id"},
/// "errorMessage", "errorDetails"}`, sent as `application/problem+json`.
///
/// Every code has the meaning Adobe's catalog gives it (`help/sources/errors/flow-service-errors.md`
/// in Adobe's `experience-platform` docs, "catalog" below). Where Adobe documents no code, the mock
/// answers a visibly invented `MOCK-` one in the same shape:
///
/// | code | meaning here | where documented |
/// | --- | --- | --- |
/// | `FLOW-1101-404` | no connection, source or target connection, flow, connection spec or flow spec with this ID | catalog |
/// | `FLOW-1102-500`, `1103-503`, `1104-504` | injected internal error, unavailable, gateway timeout | catalog |
/// | `FLOW-1401-400` | `count` together with `limit` | catalog |
/// | `FLOW-1403-400` | `If-Match` missing on `PATCH` | catalog |
/// | `FLOW-1404-412` | `If-Match` is not the connection's current etag | catalog |
/// | `FLOW-1405-400` | empty request body | catalog |
/// | `FLOW-1410-400` | `state` in a create flow request | catalog |
/// | `FLOW-1412-400` | a flow's mapping version that the mapping set does not have | catalog |
/// | `FLOW-1413-400` | unknown connection spec or flow spec ID or version (also the wrong spec for the kind) | catalog |
/// | `FLOW-1414-400` | a `PATCH` of `/connectionSpec` | catalog |
/// | `FLOW-1415-400` | an auth spec name the connection spec does not list | catalog |
/// | `FLOW-1418-400` | deleting a base connection that a source connection uses | catalog |
/// | `FLOW-1433-400` | `orderby` on a field that cannot be sorted by | catalog |
/// | `FLOW-1434-400` | a `PATCH` operation that is not add, replace or remove | catalog |
/// | `FLOW-1445-400` | "PATCH Connection Feature not enabled", for every `PATCH` when ``MockFaults/patchDisabled`` | catalog |
/// | `FLOW-1447-400` | deleting a source or target connection that a flow uses ("Found active flows containing id") | catalog |
/// | `FLOW-1449-400` | a `property` filter on an unknown field | catalog |
/// | `FLOW-1453-400` | a query value that cannot be read (`limit=ten`, `count=maybe`, `property=x`) | catalog |
/// | `FLOW-1455-400` | a `PATCH` body that is not a list of operations, or a path to no field | catalog |
/// | `FLOW-2100-404` | `x-sandbox-name` names no sandbox | catalog |
/// | `FLOW-2105-400` | `x-sandbox-name` missing | catalog |
/// | `FLOW-2119-400` | explore without `objectType` or `sourceParams` | catalog |
/// | `FLOW-2121-403` | the token lacks the manage (writes) or view (reads) permission in the sandbox | catalog |
/// | `MOCK-4001-400` | required auth params missing (the message names them, and any invalid ones) | none |
/// | `MOCK-4002-400` | auth params of the wrong form (not a string, `expirationDate` not `YYYY-MM-DD`) | none |
/// | `MOCK-4003-400` | the credential test against `authorizationTestUrl` failed on create or patch | none: Adobe says the create fails |
/// | `MOCK-4004-400` | a body that is not JSON, not an object, or with a field of the wrong type | none |
/// | `MOCK-4005-400` | a required field missing: `name`, `auth`, `auth.specName`, `connectionSpec`, `connectionSpec.id` | none |
/// | `MOCK-4006-400` | a `continuationToken` the mock did not make, or one from another sandbox | none |
/// | `MOCK-4007-400` | a `PATCH` the mock does not implement (add, remove, or a path but `/auth/params`, `/description`, `/name`) | none |
/// | `MOCK-4008-413` | a body over 1 MiB | none |
/// | `MOCK-4009-400` | the hostile answer `echo-400` (a service that echoes the request) | none |
/// | `MOCK-4010-400` | a `baseConnectionId`, `sourceConnectionIds`, `targetConnectionIds`, `dataSetId` or `mappingId` naming nothing | none |
/// | `MOCK-4011-400` | source params (create or explore) that break the invented `sourceSpec` | none: the spec is invented |
/// | `MOCK-4012-400` | `scheduleParams` that break the schedule rules (frequency, interval, epoch seconds) | none |
/// | `MOCK-4013-400` | a target connection's schema that is not its dataset's | none |
/// | `MOCK-4014-400` | explore of a source whose host is in the reserved `.invalid` domain | none |
/// | `MOCK-4040-404`, `MOCK-4041-404` | no such Catalog dataset, no such Data Prep mapping set | none: their 404 bodies are not on Adobe's pages the mock follows |
///
/// Not in this type: a wrong `Content-Type` is answered by the gateway (``GatewayBadRequest``).
struct FlowServiceProblem: MockErrorAnswer, Equatable {
    static let contentType = "application/problem+json"

    /// The code without the status: `FLOW-1413` or `MOCK-4001`.
    var code: String
    var status: HTTPResponse.Status
    var title: String
    var message: String

    /// The `type` URI, e.g. `https://ns.adobe.com/aep/errors/FLOW-1413-400`.
    var type: String {
        "https://ns.adobe.com/aep/errors/\(self.code)-\(self.status.code)"
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
    private static func invalidRequest(_ code: String, _ message: String) -> FlowServiceProblem {
        FlowServiceProblem(code: code, status: .badRequest, title: "Invalid request", message: message)
    }

    static let emptyBody = invalidRequest(
        "FLOW-1405",
        "The request body cannot be null or empty. Please provide a request body and try again."
    )

    static let bodyTooLarge = FlowServiceProblem(
        code: "MOCK-4008",
        status: .contentTooLarge,
        title: "Payload Too Large",
        message: "The request body is larger than the service accepts (1 MiB)."
    )

    static let malformedJSON = invalidRequest("MOCK-4004", "The request body is not valid JSON.")

    static let notAnObject = invalidRequest("MOCK-4004", "The request body must be a JSON object.")

    static func wrongType(_ field: String, expected: String) -> FlowServiceProblem {
        invalidRequest("MOCK-4004", "The field '\(field)' must be \(expected).")
    }

    static func missingField(_ field: String) -> FlowServiceProblem {
        invalidRequest("MOCK-4005", "The field '\(field)' is required. Provide it and try again.")
    }

    static func unknownConnectionSpec(_ id: String) -> FlowServiceProblem {
        invalidRequest("FLOW-1413", "The spec ID provided is invalid. Connection spec '\(id)' does not exist.")
    }

    static func unknownConnectionSpecVersion(_ id: String, version: String) -> FlowServiceProblem {
        invalidRequest(
            "FLOW-1413",
            "The spec ID provided is invalid. Connection spec '\(id)' has no version '\(version)'."
        )
    }

    static func unknownAuthSpec(_ name: String, specID: String, known: [String]) -> FlowServiceProblem {
        invalidRequest(
            "FLOW-1415",
            "The auth spec '\(name)' could not be found for the connection spec ID \(specID). Supported: "
                + known.map { "'\($0)'" }.joined(separator: ", ") + "."
        )
    }

    /// Missing and invalid auth params of one request, all named in one message: `MOCK-4001` when
    /// any is missing, else `MOCK-4002`.
    static func invalidAuthParams(specName: String, missing: [String], invalid: [String]) -> FlowServiceProblem {
        var sentences: [String] = []
        if !missing.isEmpty {
            sentences.append("Missing required auth params for '\(specName)': \(missing.joined(separator: ", ")).")
        }
        sentences.append(contentsOf: invalid)
        return invalidRequest(missing.isEmpty ? "MOCK-4002" : "MOCK-4001", sentences.joined(separator: " "))
    }

    /// The credential test against `authorizationTestUrl` failed. Adobe documents that the create
    /// fails then, not with which code.
    static func credentialTestFailed(_ testURL: String) -> FlowServiceProblem {
        invalidRequest(
            "MOCK-4003",
            "The connection test failed: the authorization test URL '\(testURL)' could not be reached with the given credentials."
        )
    }

    static let countWithLimit = invalidRequest(
        "FLOW-1401",
        "The limit and count parameters cannot be given together in the same request. "
            + "Please provide either only the limit or the count parameter and try again."
    )

    /// A query parameter whose value cannot be read, e.g. `limit=ten`.
    static func invalidQueryValue(_ parameter: String, _ value: String, _ expected: String) -> FlowServiceProblem {
        invalidRequest("FLOW-1453", "Invalid query value \(parameter)=\(value) provided in query param. \(expected)")
    }

    static func invalidFilterField(_ field: String, known: [String]) -> FlowServiceProblem {
        invalidRequest(
            "FLOW-1449",
            "Invalid field \(field) in filter params. Filter with field==value or field!=value on one of: "
                + known.joined(separator: ", ") + "."
        )
    }

    static func invalidOrderBy(_ field: String, known: [String]) -> FlowServiceProblem {
        invalidRequest(
            "FLOW-1433",
            "Incorrect field= \(field) passed in orderBy, example are +name, -name, name. Supported: "
                + known.joined(separator: ", ") + "."
        )
    }

    static let invalidContinuationToken = invalidRequest(
        "MOCK-4006",
        "The continuationToken is invalid or belongs to another sandbox."
    )

    static let notFound = FlowServiceProblem(
        code: "FLOW-1101",
        status: .notFound,
        title: "Resource not found",
        message: "The requested resource is not found. Error from flow provider: Resource with given id does not exist."
    )

    static func sandboxNotFound(_ name: String) -> FlowServiceProblem {
        FlowServiceProblem(
            code: "FLOW-2100",
            status: .notFound,
            title: "Sandbox not found",
            message: "The sandbox with the name '\(name)' could not be found. Please ensure that the sandbox name is "
                + "correct and try again."
        )
    }

    static let sandboxHeaderMissing = FlowServiceProblem(
        code: "FLOW-2105",
        status: .badRequest,
        title: "Header is missing",
        message:
            "The header x-sandbox-name is missing in the request. Please add the header in the request and try again."
    )

    /// The token lacks `permission` (`manage` or `view`) on sources in the sandbox.
    static func permissionDenied(_ permission: String) -> FlowServiceProblem {
        FlowServiceProblem(
            code: "FLOW-2121",
            status: .forbidden,
            title: "Forbidden",
            message: "The permission \(permission) is denied on resource Enterprise Source. Please contact your "
                + "administrator to resolve permissions and try again."
        )
    }

    static let ifMatchMissing = FlowServiceProblem(
        code: "FLOW-1403",
        status: .badRequest,
        title: "Header is missing",
        message: "The header 'If-Match' is missing in the request. Please provide the header and try again."
    )

    static func versionNotMatching(supplied: String, current: String) -> FlowServiceProblem {
        FlowServiceProblem(
            code: "FLOW-1404",
            status: .preconditionFailed,
            title: "Version not matching",
            message: "The supplied version '\(supplied)' does not match the current version on entity '\(current)'. "
                + "Please ensure that the supplied version matches the current version on entity and try again."
        )
    }

    static func invalidPatch(_ detail: String) -> FlowServiceProblem {
        invalidRequest("FLOW-1455", "An error has occurred while validating patch instructions: \(detail)")
    }

    static func unsupportedPatchOperation(_ op: String) -> FlowServiceProblem {
        invalidRequest(
            "FLOW-1434",
            "Unsupported operation '\(op)' received. Please use one of the supported operation types and try again."
        )
    }

    static let patchNotEnabled = invalidRequest("FLOW-1445", "PATCH Connection Feature not enabled.")

    static let connectionSpecNotUpdatable = invalidRequest(
        "FLOW-1414",
        "The connection spec of a connection cannot be updated."
    )

    static func patchNotImplemented(_ what: String) -> FlowServiceProblem {
        invalidRequest(
            "MOCK-4007",
            "The mock does not implement \(what); it replaces /auth/params, /description and /name only."
        )
    }

    static func echoed(_ sent: String) -> FlowServiceProblem {
        invalidRequest("MOCK-4009", "The request could not be processed: \(sent)")
    }

    static let internalError = FlowServiceProblem(
        code: "FLOW-1102",
        status: .internalServerError,
        title: "Internal Error",
        message:
            "An internal error has occurred. Please try again. If the problem persists, please contact customer support."
    )

    static let unavailable = FlowServiceProblem(
        code: "FLOW-1103",
        status: .serviceUnavailable,
        title: "Service Unavailable",
        message:
            "The service is temporarily unavailable. Please try again. If the problem persists, please contact customer support."
    )

    static let gatewayTimeout = FlowServiceProblem(
        code: "FLOW-1104",
        status: .gatewayTimeout,
        title: "Gateway Timeout",
        message:
            "A gateway timeout has occurred. Please try again. If the problem persists, please contact customer support."
    )
}
