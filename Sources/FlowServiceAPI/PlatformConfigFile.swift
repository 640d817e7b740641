import FlowBatchModel
import Foundation

/// A `--config` file as users already have one: aepp's config JSON, or the Developer Console's
/// downloaded project JSON (the `aio` CLI's `console.json`).
///
/// aepp's file: `org_id`, `client_id` (or its old name `api_key`), `secret` (or `client_secret`, or
/// the list `client_secrets`, of which the first counts), `scopes` (a comma-separated string or a
/// list), `sandbox-name`, `environment`; keys are matched without regard to case, as aepp does.
///
/// The project JSON: `project.org.ims_org_id`, and the credential of
/// `project.workspace.details.credentials[]` whose `integration_type` is `oauth_server_to_server`
/// (`client_id`, `client_secrets[0]`, `scopes[]`). When the project holds several, the client ID
/// given in `AEP_CLIENT_ID` chooses; without it, reading fails with a message that lists them.
///
/// Every value keeps the key it was read from, for messages about it. Reading throws
/// ``ConfigurationError`` with the path and the key at fault, never a value read from the file.
public struct PlatformConfigFile: Sendable, Equatable {
    /// Which of the two layouts the file has.
    public enum Kind: Sendable, Equatable {
        /// aepp's config JSON.
        case aepp
        /// The Developer Console's project JSON.
        case project
    }

    /// One value read from the file and the key (a JSON path) it was read from.
    public struct Entry<Value: Sendable & Equatable>: Sendable, Equatable {
        public var value: Value
        public var key: String
    }

    /// The path as given to `--config`.
    public var path: String
    public var kind: Kind
    public var orgID: Entry<String>?
    public var clientID: Entry<String>?
    public var clientSecret: Entry<Secret>?
    /// Comma-separated, without spaces.
    public var scopes: Entry<String>?
    public var sandbox: Entry<String>?
    /// Lowercased; letters, digits and hyphens.
    public var environment: Entry<String>?

    /// The keys a setting is looked for under, for messages about a missing one.
    public var clientIDKeys: [String] {
        kind == .aepp ? ["client_id", "api_key"] : [Self.credentialsKey + "[].oauth_server_to_server.client_id"]
    }
    public var clientSecretKeys: [String] {
        kind == .aepp
            ? ["secret", "client_secret", "client_secrets"]
            : [Self.credentialsKey + "[].oauth_server_to_server.client_secrets"]
    }
    public var orgIDKeys: [String] { kind == .aepp ? ["org_id"] : ["project.org.ims_org_id"] }

    /// The source of `entry`, for messages.
    public func source<Value>(_ entry: Entry<Value>) -> SettingSource {
        .configFile(path: path, key: entry.key)
    }

    static let credentialsKey = "project.workspace.details.credentials"

    /// Reads and parses the file at `path`; `chosenClientID` (from `AEP_CLIENT_ID`) picks one of
    /// several OAuth server-to-server credentials of a project JSON. `origin` names where the path
    /// came from in a message: `--config` or `AEP_CONFIG`.
    public static func read(
        path: String,
        chosenClientID: String?,
        origin: String = "--config"
    ) throws(ConfigurationError) -> PlatformConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(origin) \(path): the file cannot be read")
        }
        return try parse(data, path: path, chosenClientID: chosenClientID)
    }

    /// Parses the contents of a config file; `path` is only for messages.
    public static func parse(
        _ data: Data,
        path: String,
        chosenClientID: String?
    ) throws(ConfigurationError)
        -> PlatformConfigFile
    {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ConfigurationError("the config file \(path) is not valid JSON (\(describe(data)))")
        }
        guard let dictionary = parsed as? [String: Any] else {
            throw ConfigurationError(
                "the config file \(path) is not a JSON object: give aepp's config (org_id, client_id, secret, scopes,"
                    + " sandbox-name) or the Developer Console's project JSON"
            )
        }
        let root = JSONObject(dictionary, at: "", path: path)
        var file = PlatformConfigFile(path: path, kind: .aepp)
        if let project = try root.object("project") {
            file.kind = .project
            try file.readProject(project, chosenClientID: chosenClientID)
        } else {
            try file.readAepp(root)
        }
        return file
    }

    private init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    private mutating func readAepp(_ root: JSONObject) throws(ConfigurationError) {
        orgID = try root.string("org_id")
        clientID = try root.firstString(of: ["client_id", "api_key"])
        if let secret = try root.firstString(of: ["secret", "client_secret"]) {
            clientSecret = Entry(value: Secret(secret.value), key: secret.key)
        } else if let first = try root.strings("client_secrets")?.first {
            clientSecret = Entry(value: Secret(first.value), key: first.key)
        }
        scopes = try root.scopes("scopes")
        sandbox = try root.string("sandbox-name")
        if let environment = try root.string("environment") {
            let name = environment.value.lowercased()
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw ConfigurationError(
                    "`\(environment.key)` in the config file \(path) is '\(environment.value)', which is not an"
                        + " environment name (prod, stage, dev, int, ...)"
                )
            }
            self.environment = Entry(value: name, key: environment.key)
        }
    }

    private mutating func readProject(_ project: JSONObject, chosenClientID: String?) throws(ConfigurationError) {
        orgID = try project.object("org")?.string("ims_org_id")
        let credentials = try project.object("workspace")?.object("details")?.objects("credentials") ?? []
        var candidates: [(credential: JSONObject, details: JSONObject, name: String, clientID: Entry<String>?)] = []
        for credential in credentials {
            guard try credential.string("integration_type")?.value.lowercased() == "oauth_server_to_server",
                let details = try credential.object("oauth_server_to_server")
            else { continue }
            let name = try credential.firstString(of: ["name", "id"])?.value ?? "unnamed"
            candidates.append((credential, details, name, try details.string("client_id")))
        }
        let chosen: (credential: JSONObject, details: JSONObject, name: String, clientID: Entry<String>?)
        switch candidates.count {
        case 0:
            var others: [String] = []
            for credential in credentials {
                let name = try credential.string("name")?.value ?? "unnamed"
                let type = try credential.string("integration_type")?.value ?? "no integration_type"
                others.append("'\(name)' (\(type))")
            }
            throw ConfigurationError(
                "the config file \(path) is a Developer Console project JSON without an OAuth Server-to-Server"
                    + " credential (\(Self.credentialsKey) "
                    + (others.isEmpty ? "is empty" : "holds \(others.joined(separator: ", "))")
                    + "): add one to the workspace in the Developer Console and download the project JSON again"
            )
        case 1:
            chosen = candidates[0]
        default:
            let matching = candidates.filter { $0.clientID != nil && $0.clientID?.value == chosenClientID }
            guard matching.count == 1 else {
                let listed = candidates.map { "'\($0.name)' (client ID \($0.clientID?.value ?? "none"))" }
                let problem =
                    chosenClientID.map { "none has the client ID \($0) that AEP_CLIENT_ID gives" }
                    ?? "AEP_CLIENT_ID is not set"
                throw ConfigurationError(
                    "the config file \(path) holds \(candidates.count) OAuth Server-to-Server credentials,"
                        + " \(listed.joined(separator: ", ")), and \(problem): set AEP_CLIENT_ID to the client ID"
                        + " of the one to use"
                )
            }
            chosen = matching[0]
        }
        clientID = chosen.clientID
        if let first = try chosen.details.strings("client_secrets")?.first {
            clientSecret = Entry(value: Secret(first.value), key: first.key)
        }
        scopes = try chosen.details.scopes("scopes")
    }

    /// Where a file that is not JSON goes wrong, without showing any of it (it may hold a secret).
    private static func describe(_ data: Data) -> String {
        if data.isEmpty { return "the file is empty" }
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            return "it starts with a byte order mark; save it as UTF-8 without one"
        }
        return "check for a missing comma, quote or brace"
    }
}

/// A JSON object of a config file, its keys matched without regard to case, and where it sits in
/// the file (for messages).
private struct JSONObject {
    let entries: [String: Any]
    /// The JSON path of this object, e.g. `project.org.`; empty at the top.
    let prefix: String
    let path: String

    init(_ entries: [String: Any], at prefix: String, path: String) {
        self.entries = entries
        self.prefix = prefix
        self.path = path
    }

    /// The value under `key` in any case, with the key as the file spells it; a key given twice in
    /// different cases is refused rather than guessed.
    func lookup(_ key: String) throws(ConfigurationError) -> (key: String, value: Any)? {
        let matches = entries.filter { $0.key.lowercased() == key.lowercased() }
        guard matches.count <= 1 else {
            let spellings = matches.keys.sorted().map { "`\(prefix)\($0)`" }.joined(separator: " and ")
            throw ConfigurationError("the config file \(path) has both \(spellings): keep one")
        }
        guard let match = matches.first, !(match.value is NSNull) else { return nil }
        return (prefix + match.key, match.value)
    }

    /// A non-empty string, trimmed.
    func string(_ key: String) throws(ConfigurationError) -> PlatformConfigFile.Entry<String>? {
        guard let match = try lookup(key) else { return nil }
        let (found, value) = match
        guard let text = value as? String else { throw wrongType(found, "a string") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : PlatformConfigFile.Entry(value: trimmed, key: found)
    }

    /// The first of `keys` that holds a non-empty string.
    func firstString(of keys: [String]) throws(ConfigurationError) -> PlatformConfigFile.Entry<String>? {
        for key in keys {
            if let found = try string(key) { return found }
        }
        return nil
    }

    /// The non-empty strings of a list, each with its index in the key.
    func strings(_ key: String) throws(ConfigurationError) -> [PlatformConfigFile.Entry<String>]? {
        guard let match = try lookup(key) else { return nil }
        let (found, value) = match
        guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
            throw wrongType(found, "a list of strings")
        }
        return list.enumerated().compactMap { index, item in
            let text = (item as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : PlatformConfigFile.Entry(value: text, key: "\(found)[\(index)]")
        }
    }

    /// Scopes as one comma-separated string without spaces, from a string or a list (as aepp joins them).
    func scopes(_ key: String) throws(ConfigurationError) -> PlatformConfigFile.Entry<String>? {
        guard let match = try lookup(key) else { return nil }
        let (found, value) = match
        let parts: [String]
        if let text = value as? String {
            parts = text.split(separator: ",").map(String.init)
        } else if let list = value as? [Any], list.allSatisfy({ $0 is String }) {
            parts = list.compactMap { $0 as? String }
        } else {
            throw wrongType(found, "a comma-separated string or a list of strings")
        }
        let scopes = parts.map { $0.filter { !$0.isWhitespace } }.filter { !$0.isEmpty }
        return scopes.isEmpty ? nil : PlatformConfigFile.Entry(value: scopes.joined(separator: ","), key: found)
    }

    func object(_ key: String) throws(ConfigurationError) -> JSONObject? {
        guard let match = try lookup(key) else { return nil }
        let (found, value) = match
        guard let object = value as? [String: Any] else { throw wrongType(found, "an object") }
        return JSONObject(object, at: found + ".", path: path)
    }

    func objects(_ key: String) throws(ConfigurationError) -> [JSONObject]? {
        guard let match = try lookup(key) else { return nil }
        let (found, value) = match
        guard let list = value as? [Any] else { throw wrongType(found, "a list") }
        var objects: [JSONObject] = []
        for (index, item) in list.enumerated() {
            guard let object = item as? [String: Any] else { throw wrongType("\(found)[\(index)]", "an object") }
            objects.append(JSONObject(object, at: "\(found)[\(index)].", path: path))
        }
        return objects
    }

    private func wrongType(_ key: String, _ expected: String) -> ConfigurationError {
        ConfigurationError("`\(key)` in the config file \(path) is not \(expected)")
    }
}
