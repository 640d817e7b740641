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
public struct JournalManifest: Sendable, Equatable {
    /// The input file's absolute path.
    public var input: String
    public var endpoint: String
    public var org: String
    public var defaultSandbox: String
    public var ifExists: String
    public var oauthSpecName: String

    public init(
        input: String,
        endpoint: String,
        org: String,
        defaultSandbox: String,
        ifExists: String,
        oauthSpecName: String
    ) {
        self.input = input
        self.endpoint = endpoint
        self.org = org
        self.defaultSandbox = defaultSandbox
        self.ifExists = ifExists
        self.oauthSpecName = oauthSpecName
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

    private func normalized(_ url: String) -> String {
        var text = url.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    package var record: JournalRecord {
        var record = JournalRecord(event: .manifest, at: JournalClock.now())
        record.version = 1
        record.tool = "flowbatch \(FlowBatchVersion.current)"
        record.input = input
        record.endpoint = endpoint
        record.org = org
        record.defaultSandbox = defaultSandbox
        record.ifExists = ifExists
        record.oauthSpecName = oauthSpecName
        return record
    }

    package init?(_ record: JournalRecord) {
        guard record.event == .manifest, let endpoint = record.endpoint, let org = record.org,
            let defaultSandbox = record.defaultSandbox
        else { return nil }
        self.init(
            input: record.input ?? "",
            endpoint: endpoint,
            org: org,
            defaultSandbox: defaultSandbox,
            ifExists: record.ifExists ?? "skip",
            oauthSpecName: record.oauthSpecName ?? GenericRESTSpec.defaultOAuthSpecName
        )
    }
}

/// Wall-clock time for journal lines, epoch milliseconds.
package enum JournalClock {
    package static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
