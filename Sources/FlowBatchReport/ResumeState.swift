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
        /// The spreadsheet row of the last event about it.
        public var row = 0
        /// Set when the row is done.
        public var done: Done?
        /// The last request may have created the connection: look the name up before sending.
        public var lookUpFirst = false
        /// Connections with this name that existed before flowbatch sent anything for it.
        public var preexisting: [String] = []
        /// A run that listed nothing sent it: only a connection created after this `createdAt` may be
        /// what that request made (``JournalEvent/Sending/createdAfter``).
        public var createdAfter: Int64?
        /// The fingerprints of what the last unanswered request sent: what a connection it created
        /// holds, whatever the row says now.
        public var sentContent: String?
        public var sentSecrets: String?
        /// `run --through source|flow`: what the journal says of the row's resources past its base
        /// connection, by step.
        public var steps: [ChainStep: Step] = [:]
    }

    /// What the journal says of one of a row's resources past its base connection.
    public struct Step: Sendable, Equatable {
        /// Its ID, once created or found.
        public var id: String?
        /// Created by flowbatch (`undo` deletes it), not found as someone else's.
        public var created = false
        /// Its last `POST` may have created it: look it up before sending again.
        public var lookUpFirst = false
        /// A `POST` was ever written ahead for it: a resource found later is flowbatch's own.
        public var attempted = false

        public init(id: String? = nil, created: Bool = false, lookUpFirst: Bool = false, attempted: Bool = false) {
            self.id = id
            self.created = created
            self.lookUpFirst = lookUpFirst
            self.attempted = attempted
        }
    }

    /// The manifest (first line).
    public let manifest: JournalManifest
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
        entries.values.contains { entry in
            entry.done != nil || entry.lookUpFirst || entry.steps.values.contains { $0.id != nil || $0.lookUpFirst }
        }
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

    /// The rows this journal records as created by flowbatch (and not deleted since), by sandbox and
    /// name: what its results must keep listing, so that `undo` deletes them.
    public var created: [(sandbox: String, name: String, entry: Entry, done: Done)] {
        entries.compactMap { key, entry in
            guard let done = entry.done, done.status == .created else { return nil }
            let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "", entry, done)
        }
        .sorted { ($0.entry.row, $0.sandbox, $0.name) < ($1.entry.row, $1.sandbox, $1.name) }
    }

    /// What `--restart` keeps of this journal for a run with `manifest`: only the connections it
    /// created, as `created` events for the new journal, when it was written for the same endpoint
    /// and org (elsewhere they are another service's); every other record is forgotten.
    package func keptThroughRestart(into manifest: JournalManifest) -> (state: ResumeState, events: [JournalEvent])? {
        guard manifest.sameService(as: self.manifest) else { return nil }
        var state = ResumeState(manifest: manifest)
        var events: [JournalEvent] = []
        for (sandbox, name, entry, done) in created {
            let event = JournalEvent.created(
                .init(sandbox: sandbox, name: name, row: entry.row),
                .init(
                    content: done.contentFingerprint ?? "",
                    secrets: done.secretFingerprint,
                    id: done.connectionID,
                    etag: done.etag
                )
            )
            state.apply(event)
            events.append(event)
            let row = JournalEvent.Row(sandbox: sandbox, name: name, row: entry.row)
            for step in ChainStep.allCases {
                guard let kept = entry.steps[step], kept.created, let id = kept.id else { continue }
                let created = JournalEvent.step(row, step, .created(id: id, requestID: nil))
                state.apply(created)
                events.append(created)
            }
        }
        return (state, events)
    }

    /// Reads the journal at `path`; `nil` when there is none. A cut or unreadable line is skipped and
    /// noted, never fatal.
    public static func load(path: String) throws(RunError) -> ResumeState? {
        guard try startsAsJournal(path) else { return nil }
        var state: ResumeState?
        let notes = try JournalReader.read(path: path) { (record) throws(RunError) in
            guard state != nil else {
                guard case .manifest(let manifest) = record.event else {
                    throw RunError(
                        .localFile,
                        "\(path) does not start with a flowbatch journal manifest; move it away or use --restart"
                    )
                }
                state = ResumeState(manifest: manifest)
                return
            }
            state?.apply(record.event)
        }
        // No manifest: an empty journal, or one cut before its first line was complete: nothing was sent.
        state?.notes = notes ?? []
        return state
    }

    /// Whether the file at `path` begins as a run's journal does, with its manifest (or the start of
    /// one a crash cut: the reader then skips it); `false` when there is none or it is empty.
    /// Anything else is never taken for a journal: a file that `--summary-json` or another tool wrote
    /// over the journal would otherwise read as "no earlier run", and every row it created would be
    /// looked up as someone else's.
    ///
    /// - Throws: ``RunError/Code/localFile`` naming the file and what to do.
    static func startsAsJournal(_ path: String) throws(RunError) -> Bool {
        guard let file = fopen(path, "r") else {
            if errno == ENOENT { return false }
            throw RunError(.localFile, "cannot read the journal \(path): \(SystemError.describe(errno))")
        }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        while bytes.allSatisfy({ $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: " ") }) {
            let length = getline(&line, &capacity, file)
            guard length > 0, let line else { return false }
            bytes = UnsafeRawBufferPointer(start: line, count: length)
        }
        // A manifest line, or one a crash cut while it was being written (the reader skips it then).
        let prefix = Array(#"{"event":"manifest""#.utf8)
        if bytes.count < prefix.count ? prefix.starts(with: bytes) : bytes.starts(with: prefix) { return true }
        throw RunError(
            .localFile,
            "\(path) is not a flowbatch journal (its first line is not a journal manifest; another program may"
                + " have written over it): it cannot say what earlier runs created. Move it away and check the"
                + " results file, or use --restart to start over"
        )
    }

    private init(manifest: JournalManifest) {
        self.manifest = manifest
    }

    /// Folds one event into the entries. `created`/`exists` stick until `deleted`; an `invalid`
    /// event never clears a pending look-up (it may come from another row with the same name).
    mutating func apply(_ event: JournalEvent) {
        guard let row = event.row else { return }
        let key = Self.key(sandbox: row.sandbox, name: row.name)
        var entry = entries[key] ?? Entry()
        entry.row = row.row
        switch event {
        case .attempt(_, let sending):
            if entry.done == nil {
                entry.lookUpFirst = true
                entry.sentContent = sending.content
                entry.sentSecrets = sending.secrets
                entry.preexisting = sending.preexisting
                entry.createdAfter = sending.createdAfter
            }
        case .created(_, let connection), .exists(_, let connection):
            let status: RowStatus = if case .created = event { .created } else { .exists }
            entry.done = Done(status: status, connection)
            entry.lookUpFirst = false
        case .failed(_, let failure):
            if entry.done == nil { entry.lookUpFirst = failure.ambiguous }
        case .deleted:
            // Undo deletes a row's resources past its base connection before the base connection.
            entry.done = nil
            entry.lookUpFirst = false
            entry.steps = [:]
        case .step(_, let step, let stepEvent):
            var record = entry.steps[step] ?? Step()
            switch stepEvent {
            case .attempt:
                record.attempted = true
                if record.id == nil { record.lookUpFirst = true }
            case .created(let id, _):
                record = Step(id: id, created: true, attempted: true)
            case .exists(let id):
                record = Step(id: id, created: false, attempted: record.attempted)
            case .failed(let failure):
                if record.id == nil { record.lookUpFirst = failure.ambiguous }
            case .deleted:
                entry.steps[step] = nil
                entries[key] = entry
                return
            }
            entry.steps[step] = record
        case .updated(_, let connection):
            // The status stays what it was (created by flowbatch or not): undo deletes only what a run created.
            let origin = entry.done?.connectionID == connection.id ? entry.done?.status ?? .exists : .exists
            entry.done = Done(status: origin, connection)
        case .unsent:
            if entry.done == nil { entry.lookUpFirst = false }
        case .invalid, .manifest, .resume, .patch, .tested:
            return
        }
        entries[key] = entry
    }
}

extension ResumeState.Done {
    init(status: RowStatus, _ connection: JournalEvent.Connection) {
        self.init(
            status: status,
            connectionID: connection.id,
            etag: connection.etag,
            contentFingerprint: connection.content,
            secretFingerprint: connection.secrets
        )
    }
}
