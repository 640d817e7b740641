import Foundation
import NIOCore

/// A `POST /connections` body that passed Flow Service's checks, ready to be stored.
///
/// Checks, in order: the body is not empty (`1405`), is a JSON object with fields of the right
/// types (`1400`), has a non-blank `name` (`1400`), a `connectionSpec.id` (`1400`) that is the
/// generic REST spec in a known version, where a missing version means the latest (`1413`),
/// an `auth` with a `specName` (`1400`) that the spec knows (`1415`), and every required auth
/// param as a non-empty string, optional ones as strings, `expirationDate` as `YYYY-MM-DD` (`1416`).
/// Params the spec does not define are ignored; URLs are not checked.
struct CreateConnectionRequest: Sendable, Equatable {
    var name: String
    var description: String?
    var connectionSpecID: String
    var connectionSpecVersion: String
    var authSpecName: String
    var visibleParams: [String: String]
    var maskedParams: Set<String>

    init(body: ByteBuffer) throws(FlowServiceProblem) {
        guard body.readableBytesView.contains(where: { !Self.isJSONWhitespace($0) }) else {
            throw .emptyBody
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(body.readableBytesView)
        } catch {
            throw .malformedJSON
        }
        guard case .object(let root) = document else { throw .notAnObject }

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
        guard let authSpec = AuthSpec.named(specName) else {
            throw .unknownAuthSpec(specName, known: AuthSpec.all.flatMap(\.names))
        }
        self.authSpecName = specName
        (self.visibleParams, self.maskedParams) = try Self.checkParams(
            try Self.object(auth, "params", path: "auth.params") ?? [:],
            spec: authSpec,
            specName: specName
        )
    }

    private static func checkParams(
        _ params: [String: JSONValue],
        spec: AuthSpec,
        specName: String
    ) throws(FlowServiceProblem) -> (visible: [String: String], masked: Set<String>) {
        var missing: [String] = []
        var invalid: [String] = []
        var visible: [String: String] = [:]
        var masked: Set<String> = []
        for param in spec.requiredParams + spec.optionalParams {
            let required = spec.requiredParams.contains(param)
            switch params[param] {
            case .string(let value) where !value.isEmpty:
                if param == "expirationDate", !Self.isDate(value) {
                    invalid.append("The auth param 'expirationDate' must be a date written YYYY-MM-DD.")
                } else if AuthSpec.secretParams.contains(param) {
                    masked.insert(param)
                } else {
                    visible[param] = value
                }
            case .string, .null, nil:
                if required {
                    missing.append(param)
                }
            case .object, .array, .number, .bool:
                invalid.append("The auth param '\(param)' must be a string.")
            }
        }
        guard missing.isEmpty, invalid.isEmpty else {
            throw .invalidAuthParams(specName: specName, missing: missing, invalid: invalid)
        }
        // Adobe tests the credentials against authorizationTestUrl while creating: a test URL in
        // the reserved `.invalid` domain (RFC 2606) stands for one that fails.
        if let testURL = visible["authorizationTestUrl"], let host = URLComponents(string: testURL)?.host,
            host == "invalid" || host.hasSuffix(".invalid")
        {
            throw .credentialTestFailed(testURL)
        }
        return (visible, masked)
    }

    /// The string at `key`; `nil` when absent or `null`.
    private static func string(
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
    private static func object(
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
