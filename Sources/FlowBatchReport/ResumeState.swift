import FlowBatchModel
import Foundation

/// What earlier runs recorded in a journal, by sandbox and name: which rows are done (created or
/// found), which may have been created by a request whose answer never came, and which must be
/// tried again.
public struct ResumeState: Sendable {
    /// A row an earlier run finished.
    public struct Done: Sendable, Equatable {
        public var status: RowStatus
        public var connectionID: String
        public var etag: String?
        public var contentFingerprint: String?
        public var secretFingerprint: String?
    }

    /// Everything the journal says about one sandbox and name.
    public struct Entry: Sendable, Equatable {
        /// Set when the row is done.
        public var done: Done?
        /// The last request may have created the connection: look the name up before sending.
        public var lookUpFirst = false
        /// Connections with this name that existed before flowbatch sent anything for it.
        public var preexisting: [String] = []
        /// The fingerprints of what the last unanswered request sent: what a connection it created
        /// holds, whatever the row says now.
        public var sentContent: String?
        public var sentSecrets: String?
    }

    /// The manifest (first line).
    public let manifest: JournalManifest
    /// The key ID the secret fingerprints were made with.
    public let keyID: String?
    /// Entries by ``key(sandbox:name:)``.
    public private(set) var entries: [String: Entry] = [:]
    /// Things worth telling the user (a torn last line, unreadable lines).
    public private(set) var notes: [String] = []

    /// The key of a row: sandbox and name.
    public static func key(sandbox: String, name: String) -> String {
        sandbox + "\u{0}" + name
    }

    /// The entry for a sandbox and name, if the journal mentions it.
    public func entry(sandbox: String, name: String) -> Entry? {
        entries[Self.key(sandbox: sandbox, name: name)]
    }

    /// Whether the journal records a connection that was created or found, or a request that may
    /// have created one: only then does it bind the next run to its settings.
    public var bindsConnections: Bool {
        entries.values.contains { $0.done != nil || $0.lookUpFirst }
    }

    /// The journal at `path` when it was written by a run with the same endpoint, org and sandbox as
    /// `manifest`; a journal of another run is refused with the difference named, unless it records
    /// no connection (``bindsConnections``): then it is no journal of this run (`nil`).
    public static func load(path: String, matching manifest: JournalManifest) throws -> ResumeState? {
        guard let resume = try load(path: path) else { return nil }
        if let conflict = resume.manifest.conflict(with: manifest) {
            guard resume.bindsConnections else { return nil }
            throw conflictError(path: path, conflict)
        }
        return resume
    }

    /// Why the journal at `path` cannot be resumed with these settings, and what to do.
    package static func conflictError(path: String, _ conflict: String) -> ConfigurationError {
        ConfigurationError(
            "\(path) belongs to another run: \(conflict). Use the same settings to resume it,"
                + " --restart to start over (the old journal is kept aside), or --out to write elsewhere"
        )
    }

    /// Reads the journal at `path`; `nil` when there is none. A cut or unreadable line is skipped and
    /// noted, never fatal.
    public static func load(path: String) throws(RunError) -> ResumeState? {
        guard let file = fopen(path, "r") else {
            if errno == ENOENT { return nil }
            throw RunError(.localFile, "cannot read the journal \(path): \(SystemError.describe(errno))")
        }
        defer { fclose(file) }
        let decoder = JSONDecoder()
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var manifest: JournalManifest?
        var keyID: String?
        var entries: [String: Entry] = [:]
        var unreadable: [Int] = []
        var lineNumber = 0
        var lastLineCut = false
        while true {
            let length = getline(&line, &capacity, file)
            if length < 0 { break }
            lineNumber += 1
            let bytes = UnsafeRawBufferPointer(start: line, count: length)
            lastLineCut = bytes.last != UInt8(ascii: "\n")
            let content = Data(bytes)
            guard content.contains(where: { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: " ") }) else { continue }
            guard let record = try? decoder.decode(JournalRecord.self, from: content) else {
                unreadable.append(lineNumber)
                continue
            }
            if manifest == nil {
                guard let first = JournalManifest(record) else {
                    throw RunError(
                        .localFile,
                        "\(path) does not start with a flowbatch journal manifest; move it away or use --restart"
                    )
                }
                manifest = first
                keyID = record.keyId
                continue
            }
            apply(record, to: &entries)
        }
        guard let manifest else {
            // An empty journal, or one cut before its first line was complete: nothing was sent.
            return nil
        }
        var state = ResumeState(manifest: manifest, keyID: keyID)
        state.entries = entries
        if let last = unreadable.last, last == lineNumber, lastLineCut || unreadable.count == 1 {
            state.notes.append(
                "the journal's last line was cut off (the previous run stopped while writing it); it was ignored"
            )
            unreadable.removeLast()
        }
        if !unreadable.isEmpty {
            state.notes.append(
                "\(unreadable.count) journal line\(unreadable.count == 1 ? "" : "s") could not be read and"
                    + " \(unreadable.count == 1 ? "was" : "were") ignored (line \(unreadable.prefix(5).map(String.init).joined(separator: ", "))\(unreadable.count > 5 ? ", …" : ""))"
            )
        }
        return state
    }

    private init(manifest: JournalManifest, keyID: String?) {
        self.manifest = manifest
        self.keyID = keyID
    }

    /// Folds one event into the entries. `created`/`exists` stick until `deleted`; an `invalid`
    /// event never clears a pending look-up (it may come from another row with the same name).
    static func apply(_ record: JournalRecord, to entries: inout [String: Entry]) {
        guard let sandbox = record.sandbox, let name = record.name else { return }
        let key = Self.key(sandbox: sandbox, name: name)
        var entry = entries[key] ?? Entry()
        switch record.event {
        case .attempt:
            if entry.done == nil {
                entry.lookUpFirst = true
                entry.sentContent = record.fp
                entry.sentSecrets = record.sfp
                if let pre = record.pre { entry.preexisting = pre }
            }
        case .created, .exists:
            guard let id = record.id else { return }
            entry.done = Done(
                status: record.event == .created ? .created : .exists,
                connectionID: id,
                etag: record.etag,
                contentFingerprint: record.fp,
                secretFingerprint: record.sfp
            )
            entry.lookUpFirst = false
        case .failed:
            if entry.done == nil { entry.lookUpFirst = record.ambiguous ?? false }
        case .deleted:
            entry.done = nil
            entry.lookUpFirst = false
        case .updated:
            guard let id = record.id else { return }
            // The status stays what it was (created by flowbatch or not): undo deletes only what a run created.
            let origin = entry.done?.connectionID == id ? entry.done?.status ?? .exists : .exists
            entry.done = Done(
                status: origin,
                connectionID: id,
                etag: record.etag,
                contentFingerprint: record.fp,
                secretFingerprint: record.sfp
            )
        case .unsent:
            if entry.done == nil { entry.lookUpFirst = false }
        case .invalid, .manifest, .resume, .patch, .tested:
            return
        }
        entries[key] = entry
    }
}
