import FlowBatchModel

/// What one journal line records: the manifest, or an event about one row; each case holds only its
/// own data.
///
/// Never holds a secret: rows are identified by sandbox and name, their content by fingerprints
/// (``RowFingerprint``).
package enum JournalEvent: Sendable, Equatable {
    /// The first line: what the journal is for.
    case manifest(JournalManifest)
    /// A later run picked the journal up.
    case resume
    /// A POST is about to be sent (written, and on disk, before it leaves).
    case attempt(Row, Sending)
    /// A PATCH of connection `id` is about to be sent (`--if-exists update`); a patch is idempotent, so
    /// unlike `attempt` it never calls for a look-up: the next run compares again.
    case patch(Row, id: String, Sending)
    /// The row's `attempt` was written ahead but the run stopped before sending it: nothing to look up.
    case unsent(Row)
    case created(Row, Connection)
    case exists(Row, Connection)
    /// The connection was patched to match the row: its new etag and the row's fingerprints.
    case updated(Row, Connection)
    case failed(Row, Failure)
    case invalid(Row, code: String, error: String)
    /// `flowbatch undo` deleted the connection.
    case deleted(Row, id: String, etag: String)
    /// `flowbatch test` tested the connection: `passed` is the service's answer.
    case tested(Row, id: String, etag: String, passed: Bool)
    /// `run --through source|flow`: an event about the row's resource of `step` past its base
    /// connection (a source connection, a target connection, a flow).
    case step(Row, ChainStep, StepEvent)

    /// What happened to one of a row's resources past its base connection; written as its own
    /// `step-…` lines, so that a journal of a `--through connection` run reads as it always did.
    package enum StepEvent: Sendable, Equatable {
        /// Its `POST` is about to be sent (on disk before it leaves).
        case attempt(Int)
        /// Created by this run (or found after an answer that never came, its attempt journaled).
        case created(id: String, requestID: String?)
        /// Found by the look-up Adobe documents for the kind, not created by flowbatch: reused.
        case exists(id: String)
        case failed(Failure)
        /// `flowbatch undo` deleted it.
        case deleted(id: String)
    }

    /// The row an event is about: its sandbox and name (what a later run matches rows by) and its
    /// spreadsheet row number.
    package struct Row: Codable, Sendable, Equatable {
        package var sandbox: String
        package var name: String
        package var row: Int

        package init(sandbox: String, name: String, row: Int) {
            self.sandbox = sandbox
            self.name = name
            self.row = row
        }

        package init(_ request: ConnectionRequest) {
            self.init(sandbox: request.sandbox, name: request.name, row: request.row)
        }
    }

    /// What a create or a patch is about to send.
    package struct Sending: Codable, Sendable, Equatable {
        /// The try's number, from 1.
        package var attempt: Int
        /// The fingerprints of the row's values and of its secrets (``RowFingerprint``).
        package var content: String
        package var secrets: String?
        /// Connections with this name that existed before this run sent anything.
        package var preexisting: [String]
        /// A run that listed nothing (`--if-exists create`): the `createdAt` of the sandbox's newest
        /// connection when it began; only a later one may be what this request made
        /// (``ResourceCreate/createdAfter``).
        package var createdAfter: Int64?

        enum CodingKeys: String, CodingKey {
            case attempt
            case content = "fp"
            case secrets = "sfp"
            case preexisting = "pre"
            case createdAfter = "after"
        }

        package init(
            attempt: Int,
            content: String,
            secrets: String?,
            preexisting: [String],
            createdAfter: Int64? = nil
        ) {
            self.attempt = attempt
            self.content = content
            self.secrets = secrets
            self.preexisting = preexisting
            self.createdAfter = createdAfter
        }
    }

    /// The connection a row was created as, found as, or patched into, and the fingerprints of what
    /// it holds.
    package struct Connection: Codable, Sendable, Equatable {
        package var content: String
        package var secrets: String?
        package var id: String
        package var etag: String?
        /// The `x-request-id` of the answer that created or patched it.
        package var requestID: String?

        enum CodingKeys: String, CodingKey {
            case content = "fp"
            case secrets = "sfp"
            case id, etag
            case requestID = "requestId"
        }

        package init(content: String, secrets: String?, id: String, etag: String? = nil, requestID: String? = nil) {
            self.content = content
            self.secrets = secrets
            self.id = id
            self.etag = etag
            self.requestID = requestID
        }
    }

    /// Why a sent row failed.
    package struct Failure: Codable, Sendable, Equatable {
        package var code: String
        package var error: String
        /// The HTTP status of the last answer.
        package var status: Int?
        /// The last request may have created the connection: look it up before sending again.
        package var ambiguous: Bool
        package var requestID: String?

        enum CodingKeys: String, CodingKey {
            case code, error, status, ambiguous
            case requestID = "requestId"
        }

        package init(code: String, error: String, status: Int?, ambiguous: Bool, requestID: String?) {
            self.code = code
            self.error = error
            self.status = status
            self.ambiguous = ambiguous
            self.requestID = requestID
        }
    }

    /// The row the event is about; `nil` for the manifest and `resume`.
    package var row: Row? {
        switch self {
        case .manifest, .resume: nil
        case .attempt(let row, _), .patch(let row, _, _), .unsent(let row), .created(let row, _),
            .exists(let row, _), .updated(let row, _), .failed(let row, _), .invalid(let row, _, _),
            .deleted(let row, _, _), .tested(let row, _, _, _), .step(let row, _, _):
            row
        }
    }
}
