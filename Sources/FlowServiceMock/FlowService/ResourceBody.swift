import NIOCore

/// The parts every create body of the chain shares, read the way `POST /connections` reads them:
/// not empty (`FLOW-1405`), a JSON object with fields of the right types (`MOCK-4004`), a non-blank
/// `name` (`MOCK-4005`; the OpenAPI file requires it of source connections only, the mock of every
/// kind, since a name is how a client finds what an ambiguous create made), an optional `description`.
struct ResourceBody: Sendable {
    var root: [String: JSONValue]
    var name: String
    var description: String?

    init(_ body: ByteBuffer) throws(FlowServiceProblem) {
        guard case .object(let root) = try CreateConnectionRequest.document(body) else { throw .notAnObject }
        guard let name = try CreateConnectionRequest.string(root, "name", path: "name"),
            !name.unicodeScalars.allSatisfy(\.properties.isWhitespace)
        else { throw .missingField("name") }
        self.root = root
        self.name = name
        self.description = try CreateConnectionRequest.string(root, "description", path: "description")
    }

    /// The required object at `key` (`MOCK-4005` when missing, `MOCK-4004` when not an object).
    func object(
        _ key: String,
        in object: [String: JSONValue]? = nil,
        path: String? = nil
    ) throws(FlowServiceProblem)
        -> [String: JSONValue]
    {
        guard let value = try CreateConnectionRequest.object(object ?? self.root, key, path: path ?? key) else {
            throw .missingField(path ?? key)
        }
        return value
    }

    /// The required non-empty string at `key` of `object` (the root by default).
    func string(
        _ key: String,
        in object: [String: JSONValue]? = nil,
        path: String? = nil
    ) throws(FlowServiceProblem)
        -> String
    {
        guard let value = try CreateConnectionRequest.string(object ?? self.root, key, path: path ?? key),
            !value.isEmpty
        else { throw .missingField(path ?? key) }
        return value
    }

    /// The `{id, version}` spec reference at `key`, which must be `expectedID` (`FLOW-1413`) in one of
    /// `versions` (the latest when left out); returns the version.
    func spec(
        _ key: String,
        expectedID: String,
        versions: [String],
        kind: String
    ) throws(FlowServiceProblem) -> String {
        let spec = try self.object(key)
        let id = try self.string("id", in: spec, path: "\(key).id")
        guard id.lowercased() == expectedID else {
            if key == "flowSpec" { throw .unknownFlowSpec(id) }
            if id.lowercased() == ConnectionSpecCatalog.genericRESTID
                || id.lowercased() == ConnectionSpecCatalog.dataLakeID
            {
                throw .wrongConnectionSpec(id, expected: expectedID, kind: kind)
            }
            throw .unknownConnectionSpec(id)
        }
        let version =
            try CreateConnectionRequest.string(spec, "version", path: "\(key).version") ?? versions[versions.count - 1]
        guard versions.contains(version) else {
            throw .unknownConnectionSpecVersion(id, version: version)
        }
        return version
    }

    /// `{"id": id, "version": version}`.
    static func specMember(_ id: String, _ version: String) -> JSONOutput {
        .object([("id", .string(id)), ("version", .string(version))])
    }
}
