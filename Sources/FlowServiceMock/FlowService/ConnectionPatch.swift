import NIOCore

/// A `PATCH /connections/{id}` body that passed Flow Service's checks: a JSON Patch (RFC 6902)
/// array of `add` or `replace` operations on `/auth/params`, `/description` or `/name`.
///
/// Adobe's tutorials send an array of `{"op": "replace", "path": ..., "value": ...}`; the
/// OpenAPI description's `PatchInstruction` is one object with the op in capitals. The mock
/// follows the tutorials and RFC 6902 (a list), and reads the op without regard to case.
/// Checks: the body is not empty (`FLOW-1405`) and is JSON (`MOCK-4004`), a non-empty array of
/// objects each with a string `op` and `path` and a `value` (`FLOW-1455`); an op other than add,
/// replace or remove is `FLOW-1434`; remove is Adobe's but not the mock's (`MOCK-4007`);
/// `/connectionSpec` cannot change (`FLOW-1414`); another field of a connection is `MOCK-4007`;
/// a path to no field is `FLOW-1455`. The values are checked when applied, and there, as RFC 6902
/// §4.3 says, a `replace` of a member the connection does not have (`/description` of a connection
/// made without one: Adobe's own example patches it with `add`) is `FLOW-1455` too.
struct ConnectionPatch: Sendable, Equatable {
    enum Operation: Sendable, Equatable {
        case authParams([String: JSONValue])
        /// `replace`: the member must exist; `add` sets or replaces it.
        case description(String, replace: Bool)
        case name(String)
    }

    /// Top-level fields of a connection (Adobe's `ConnectionItemDTO`) that the mock cannot patch.
    private static let otherFields: Set<String> = [
        "id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient", "sandboxId",
        "sandboxName", "imsOrgId", "state", "auth", "version", "etag",
    ]

    var operations: [Operation]

    init(body: ByteBuffer) throws(FlowServiceProblem) {
        guard case .array(let elements) = try CreateConnectionRequest.document(body) else {
            throw .invalidPatch("the body must be a JSON array of patch operations.")
        }
        guard !elements.isEmpty else { throw .invalidPatch("the list of patch operations is empty.") }
        var operations: [Operation] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let fields) = element else {
                throw .invalidPatch("operation \(index) is not a JSON object.")
            }
            guard let op = fields["op"]?.stringValue else { throw .invalidPatch("Missing field \"op\".") }
            guard let path = fields["path"]?.stringValue else { throw .invalidPatch("Missing field \"path\".") }
            guard let value = fields["value"] else { throw .invalidPatch("Missing field \"value\".") }
            let replace: Bool
            switch op.lowercased() {
            case "replace": replace = true
            case "add": replace = false
            case "remove": throw .patchNotImplemented("the operation '\(op)'")
            default: throw .unsupportedPatchOperation(op)
            }
            operations.append(try Self.operation(path: path, value: value, replace: replace))
        }
        self.operations = operations
    }

    private static func operation(
        path: String,
        value: JSONValue,
        replace: Bool
    ) throws(FlowServiceProblem) -> Operation {
        switch path {
        case "/auth/params":
            guard case .object(let params) = value else {
                throw .invalidPatch("the value of /auth/params must be an object.")
            }
            return .authParams(params)
        case "/description":
            guard let text = value.stringValue else {
                throw .invalidPatch("the value of /description must be a string.")
            }
            return .description(text, replace: replace)
        case "/name":
            guard let name = value.stringValue, !name.unicodeScalars.allSatisfy(\.properties.isWhitespace) else {
                throw .invalidPatch("the value of /name must be a non-blank string.")
            }
            return .name(name)
        default:
            let field = path.split(separator: "/", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            if field == "connectionSpec" {
                throw .connectionSpecNotUpdatable
            }
            if Self.otherFields.contains(field) {
                throw .patchNotImplemented("a patch of '\(path)'")
            }
            throw .invalidPatch("Missing field \"\(path)\".")
        }
    }

    /// `connection` with the operations applied in order; auth params are checked against
    /// `authSpec` as on create.
    func applied(to connection: StoredConnection, authSpec: AuthSpec) throws(FlowServiceProblem) -> StoredConnection {
        var connection = connection
        for operation in self.operations {
            switch operation {
            case .authParams(let params):
                (connection.visibleParams, connection.maskedParams) = try CreateConnectionRequest.checkParams(
                    params,
                    spec: authSpec
                )
            case .description(let text, let replace):
                if replace, connection.description == nil {
                    throw .invalidPatch(
                        "the path /description does not exist on the connection, so it cannot be replaced; use add."
                    )
                }
                connection.description = text
            case .name(let name):
                connection.name = name
            }
        }
        return connection
    }
}
