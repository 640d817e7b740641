import Foundation
import NIOCore

/// A `POST /connections` body that passed Flow Service's checks, ready to be stored.
///
/// Checks, in order: the body is not empty (`FLOW-1405`), is a JSON object with fields of the
/// right types (`MOCK-4004`), has a non-blank `name` (`MOCK-4005`), a `connectionSpec.id`
/// (`MOCK-4005`) that is the generic REST spec in a known version, where a missing version means
/// the latest (`FLOW-1413`), an `auth` with a `specName` (`MOCK-4005`) that the connection spec
/// lists (`FLOW-1415`), and its params by ``checkParams(_:spec:)``. Params the spec does not
/// define are ignored; URLs are not checked.
struct CreateConnectionRequest: Sendable, Equatable {
    var name: String
    var description: String?
    var connectionSpecID: String
    var connectionSpecVersion: String
    var authSpecName: String
    var visibleParams: [String: String]
    var maskedParams: Set<String>

    /// - Parameter authSpecs: the auth specs the connection spec lists.
    init(body: ByteBuffer, authSpecs: [AuthSpec]) throws(FlowServiceProblem) {
        guard case .object(let root) = try Self.document(body) else { throw .notAnObject }

        guard let name = try Self.string(root, "name", path: "name"),
            !name.unicodeScalars.allSatisfy(\.properties.isWhitespace)
        else {
            throw .missingField("name")
        }
        self.name = name
        self.description = try Self.string(root, "description", path: "description")

        guard let spec = try Self.object(root, "connectionSpec", path: "connectionSpec") else {
            throw .missingField("connectionSpec")
        }
        guard let specID = try Self.string(spec, "id", path: "connectionSpec.id"), !specID.isEmpty else {
            throw .missingField("connectionSpec.id")
        }
        guard specID.lowercased() == ConnectionSpecCatalog.genericRESTID else {
            throw .unknownConnectionSpec(specID)
        }
        let versions = ConnectionSpecCatalog.genericRESTVersions
        let version = try Self.string(spec, "version", path: "connectionSpec.version") ?? versions[versions.count - 1]
        guard versions.contains(version) else {
            throw .unknownConnectionSpecVersion(specID, version: version)
        }
        self.connectionSpecID = ConnectionSpecCatalog.genericRESTID
        self.connectionSpecVersion = version

        guard let auth = try Self.object(root, "auth", path: "auth") else { throw .missingField("auth") }
        guard let specName = try Self.string(auth, "specName", path: "auth.specName"), !specName.isEmpty else {
            throw .missingField("auth.specName")
        }
        guard let authSpec = authSpecs.first(where: { $0.name == specName }) else {
            throw .unknownAuthSpec(specName, specID: self.connectionSpecID, known: authSpecs.map(\.name))
        }
        self.authSpecName = specName
        (self.visibleParams, self.maskedParams) = try Self.checkParams(
            try Self.object(auth, "params", path: "auth.params") ?? [:],
            spec: authSpec
        )
    }

    /// The parsed body: `FLOW-1405` when it is empty, `MOCK-4004` when it is not JSON.
    static func document(_ body: ByteBuffer) throws(FlowServiceProblem) -> JSONValue {
        guard body.readableBytesView.contains(where: { !Self.isJSONWhitespace($0) }) else {
            throw .emptyBody
        }
        do {
            return try JSONValue.parse(body.readableBytesView)
        } catch {
            throw .malformedJSON
        }
    }

    /// Checks auth params against `spec` (as on create and on a `PATCH` of `/auth/params`): every
    /// required param a non-empty string (`MOCK-4001`), optional ones strings, `expirationDate`
    /// written `YYYY-MM-DD` (`MOCK-4002`), and a credential test: an `authorizationTestUrl` in the
    /// reserved `.invalid` domain stands for one that fails (`MOCK-4003`).
    ///
    /// - Returns: the visible params and the names of the secret ones that were given.
    static func checkParams(
        _ params: [String: JSONValue],
        spec: AuthSpec
    ) throws(FlowServiceProblem) -> (visible: [String: String], masked: Set<String>) {
        var missing: [String] = []
        var invalid: [String] = []
        var visible: [String: String] = [:]
        var masked: Set<String> = []
        let secrets = spec.secretParams
        for param in spec.params {
            switch params[param.name] {
            case .string(let value) where !value.isEmpty:
                if param.format == "date", !Self.isDate(value) {
                    invalid.append("The auth param '\(param.name)' must be a date written YYYY-MM-DD.")
                } else if secrets.contains(param.name) {
                    masked.insert(param.name)
                } else {
                    visible[param.name] = value
                }
            case .string, .null, nil:
                if param.required {
                    missing.append(param.name)
                }
            case .object, .array, .number, .bool:
                invalid.append("The auth param '\(param.name)' must be a string.")
            }
        }
        guard missing.isEmpty, invalid.isEmpty else {
            throw .invalidAuthParams(specName: spec.name, missing: missing, invalid: invalid)
        }
        // Adobe tests the credentials against authorizationTestUrl while creating.
        if let testURL = visible["authorizationTestUrl"], Self.isReservedInvalid(testURL) {
            throw .credentialTestFailed(testURL)
        }
        return (visible, masked)
    }

    /// Whether the host of `url` is in the reserved `.invalid` domain (RFC 2606): a host that
    /// never resolves, so a test against it fails.
    static func isReservedInvalid(_ url: String) -> Bool {
        let host = URLComponents(string: url)?.host?.lowercased() ?? ""
        return host == "invalid" || host.hasSuffix(".invalid")
    }

    /// The string at `key`; `nil` when absent or `null`.
    static func string(
        _ object: [String: JSONValue],
        _ key: String,
        path: String
    ) throws(FlowServiceProblem) -> String? {
        switch object[key] {
        case .string(let value): return value
        case .null, nil: return nil
        default: throw .wrongType(path, expected: "a string")
        }
    }

    /// The object at `key`; `nil` when absent or `null`.
    static func object(
        _ object: [String: JSONValue],
        _ key: String,
        path: String
    ) throws(FlowServiceProblem) -> [String: JSONValue]? {
        switch object[key] {
        case .object(let value): return value
        case .null, nil: return nil
        default: throw .wrongType(path, expected: "an object")
        }
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
    }

    /// Whether `text` is a real calendar date written `YYYY-MM-DD`.
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return false }
        guard (1...12).contains(month), year >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}
