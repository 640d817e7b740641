import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a journal is for: the first line of every journal. Resuming against another endpoint,
/// org or default sandbox is refused.
public struct JournalManifest: Codable, Sendable, Equatable {
    /// The input file's absolute path.
    public var input: String
    public var endpoint: String
    public var org: String
    public var defaultSandbox: String
    public var ifExists: String
    public var oauthSpecName: String
    /// The ``JournalKey/id`` the secret fingerprints were made with, when there was a key.
    public var keyID: String?

    public init(
        input: String,
        endpoint: String,
        org: String,
        defaultSandbox: String,
        ifExists: String,
        oauthSpecName: String,
        keyID: String? = nil
    ) {
        self.input = input
        self.endpoint = endpoint
        self.org = org
        self.defaultSandbox = defaultSandbox
        self.ifExists = ifExists
        self.oauthSpecName = oauthSpecName
        self.keyID = keyID
    }

    /// Why a journal written with `self` cannot be resumed with `other`, or `nil` when it can.
    public func conflict(with other: JournalManifest) -> String? {
        var differences: [String] = []
        if normalized(endpoint) != normalized(other.endpoint) {
            differences.append("endpoint \(endpoint) (now \(other.endpoint))")
        }
        if org != other.org { differences.append("org \(org) (now \(other.org))") }
        if defaultSandbox != other.defaultSandbox {
            differences.append("default sandbox \(defaultSandbox) (now \(other.defaultSandbox))")
        }
        guard !differences.isEmpty else { return nil }
        return "it was written for " + differences.joined(separator: ", ")
    }

    /// Whether `other` was written for the same endpoint and org: the connections it records live
    /// in the same service, whatever the default sandbox.
    public func sameService(as other: JournalManifest) -> Bool {
        normalized(endpoint) == normalized(other.endpoint) && org == other.org
    }

    private func normalized(_ url: String) -> String {
        var text = url.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    private enum CodingKeys: String, CodingKey {
        case version, tool, input, endpoint, org, defaultSandbox, ifExists, oauthSpecName
        case keyID = "keyId"
    }

    public init(from decoder: any Decoder) throws {
        let manifest = try decoder.container(keyedBy: CodingKeys.self)
        input = try manifest.decodeIfPresent(String.self, forKey: .input) ?? ""
        endpoint = try manifest.decode(String.self, forKey: .endpoint)
        org = try manifest.decode(String.self, forKey: .org)
        defaultSandbox = try manifest.decode(String.self, forKey: .defaultSandbox)
        ifExists = try manifest.decodeIfPresent(String.self, forKey: .ifExists) ?? "skip"
        oauthSpecName =
            try manifest.decodeIfPresent(String.self, forKey: .oauthSpecName) ?? GenericRESTSpec.defaultOAuthSpecName
        keyID = try manifest.decodeIfPresent(String.self, forKey: .keyID)
    }

    /// The fields, with the journal format's version and the tool that wrote it.
    public func encode(to encoder: any Encoder) throws {
        var manifest = encoder.container(keyedBy: CodingKeys.self)
        try manifest.encode(Self.version, forKey: .version)
        try manifest.encode(Self.tool, forKey: .tool)
        try manifest.encode(input, forKey: .input)
        try manifest.encode(endpoint, forKey: .endpoint)
        try manifest.encode(org, forKey: .org)
        try manifest.encode(defaultSandbox, forKey: .defaultSandbox)
        try manifest.encode(ifExists, forKey: .ifExists)
        try manifest.encode(oauthSpecName, forKey: .oauthSpecName)
        try manifest.encodeIfPresent(keyID, forKey: .keyID)
    }

    /// The same fields as ``encode(to:)``, in its order.
    package func write(to json: inout JSONWriter) {
        json.field("version", Self.version)
        json.field("tool", Self.tool)
        json.field("input", input)
        json.field("endpoint", endpoint)
        json.field("org", org)
        json.field("defaultSandbox", defaultSandbox)
        json.field("ifExists", ifExists)
        json.field("oauthSpecName", oauthSpecName)
        json.field("keyId", keyID)
    }

    private static let version = 1
    private static var tool: String { "flowbatch \(FlowBatchVersion.current)" }
}

/// Wall-clock time for journal lines, epoch milliseconds.
package enum JournalClock {
    package static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
