import FlowBatchModel

/// One line of the journal: the manifest, or an event about one row (keyed by sandbox and name).
///
/// Never holds a secret: rows are identified by sandbox and name, their content by fingerprints
/// (``RowFingerprint``).
package struct JournalRecord: Codable, Sendable, Equatable {
    package enum Event: String, Codable, Sendable {
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

    package var event: Event
    /// Epoch milliseconds.
    package var at: Int64

    // Row events.
    package var sandbox: String?
    package var name: String?
    package var row: Int?
    package var attempt: Int?
    /// Fingerprint of the row's non-secret values.
    package var fp: String?
    /// Keyed fingerprint of the row's secret values.
    package var sfp: String?
    /// Connections with this name that existed before this run sent anything.
    package var pre: [String]?
    package var id: String?
    package var etag: String?
    package var code: String?
    package var error: String?
    package var status: Int?
    /// The failed row's last request may have created the connection: look it up before sending again.
    package var ambiguous: Bool?
    package var requestId: String?
    /// `tested`: whether the connection test passed.
    package var result: Bool?

    // Manifest.
    package var version: Int?
    package var tool: String?
    package var input: String?
    package var endpoint: String?
    package var org: String?
    package var defaultSandbox: String?
    package var ifExists: String?
    package var oauthSpecName: String?
    package var keyId: String?

    package init(event: Event, at: Int64) {
        self.event = event
        self.at = at
    }

    /// The line, with its line break, keys in a fixed order.
    package func encoded() -> [UInt8] {
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
