/// One line of the journal: the manifest, or an event about one row (keyed by sandbox and name).
///
/// Never holds a secret: rows are identified by sandbox and name, their content by fingerprints
/// (``RowFingerprint``).
struct JournalRecord: Codable, Sendable, Equatable {
    enum Event: String, Codable, Sendable {
        /// The first line: what the journal is for.
        case manifest
        /// A later run picked the journal up.
        case resume
        /// A POST is about to be sent (written, and on disk, before it leaves).
        case attempt
        case created
        case exists
        case failed
        case invalid
        /// `flowbatch undo` deleted the connection.
        case deleted
        /// A PATCH of an existing connection is about to be sent (`--if-exists update`); a patch is
        /// idempotent, so unlike `attempt` it never calls for a look-up: the next run compares again.
        case patch
        /// The connection was patched to match the row: its new etag and the row's fingerprints.
        case updated
        /// `flowbatch test` tested the connection: `result` is the service's answer.
        case tested
        /// The row's `attempt` was written ahead but the run stopped before sending it: nothing to look up.
        case unsent
    }

    var event: Event
    /// Epoch milliseconds.
    var at: Int64

    // Row events.
    var sandbox: String?
    var name: String?
    var row: Int?
    var attempt: Int?
    /// Fingerprint of the row's non-secret values.
    var fp: String?
    /// Keyed fingerprint of the row's secret values.
    var sfp: String?
    /// Connections with this name that existed before this run sent anything.
    var pre: [String]?
    var id: String?
    var etag: String?
    var code: String?
    var error: String?
    var status: Int?
    /// The failed row's last request may have created the connection: look it up before sending again.
    var ambiguous: Bool?
    var requestId: String?
    /// `tested`: whether the connection test passed.
    var result: Bool?

    // Manifest.
    var version: Int?
    var tool: String?
    var input: String?
    var endpoint: String?
    var org: String?
    var defaultSandbox: String?
    var ifExists: String?
    var oauthSpecName: String?
    var keyId: String?

    init(event: Event, at: Int64) {
        self.event = event
        self.at = at
    }

    /// The line, with its line break, keys in a fixed order.
    func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("event", event.rawValue)
        json.field("at", Int(at))
        json.field("sandbox", sandbox)
        json.field("name", name)
        json.field("row", row)
        json.field("attempt", attempt)
        json.field("fp", fp)
        json.field("sfp", sfp)
        if let pre {
            json.key("pre")
            json.beginArray()
            for id in pre { json.string(id) }
            json.endArray()
        }
        json.field("id", id)
        json.field("etag", etag)
        json.field("code", code)
        json.field("error", error)
        json.field("status", status)
        if let ambiguous {
            json.key("ambiguous")
            json.bool(ambiguous)
        }
        json.field("requestId", requestId)
        if let result {
            json.key("result")
            json.bool(result)
        }
        json.field("version", version)
        json.field("tool", tool)
        json.field("input", input)
        json.field("endpoint", endpoint)
        json.field("org", org)
        json.field("defaultSandbox", defaultSandbox)
        json.field("ifExists", ifExists)
        json.field("oauthSpecName", oauthSpecName)
        json.field("keyId", keyId)
        json.endObject()
        var bytes = json.bytes
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
