/// What happened to one input row: one per row, always, whatever happens.
public struct RowOutcome: Sendable, Equatable {
    /// The position of the row among the data rows (0, 1, 2, ...), for writing results in input order.
    public var sequence: Int
    /// The spreadsheet row number.
    public var row: Int
    /// The connection's name (trimmed), or what could be read of it.
    public var name: String
    /// The sandbox.
    public var sandbox: String
    /// The kind of authentication, when known.
    public var auth: AuthKind?
    /// What happened, with what belongs to that alone.
    public var result: Result
    /// Requests sent for the row (in this run).
    public var attempts: Int
    /// Time from the first request to the outcome, in milliseconds.
    public var durationMS: Int?
    /// The input's columns that fill no field, carried unchanged.
    public var extras: [String]
    /// `run --through source|flow`: the row's resources past its base connection.
    public var chain = Chain()

    public init(
        sequence: Int,
        row: Int,
        name: String,
        sandbox: String,
        auth: AuthKind?,
        _ result: Result,
        attempts: Int = 0,
        durationMS: Int? = nil,
        extras: [String] = []
    ) {
        self.sequence = sequence
        self.row = row
        self.name = name
        self.sandbox = sandbox
        self.auth = auth
        self.result = result
        self.attempts = attempts
        self.durationMS = durationMS
        self.extras = extras
    }

    /// What happened to a row, by its status in the results file.
    public enum Result: Sendable, Equatable {
        /// This run or an earlier one created the connection; `note`: a warning, such as that the row
        /// changed since.
        case created(Connection, Answer = Answer(), note: Note? = nil)
        /// A connection with this name already existed; it was not created by flowbatch.
        case exists(Connection, note: Note? = nil)
        /// `--if-exists update`: the existing connection was patched to match the row.
        case updated(Connection, Answer)
        /// `--if-exists update`: the existing connection already matched the row, or the row gives no
        /// secret to set (`note` says so); nothing was sent.
        case unchanged(Connection, note: Note? = nil)
        /// Not sent: the row is wrong. `field`: what its first problem is about, for grouping errors
        /// (not in the results file).
        case invalid(Note, field: String?)
        /// The service refused it (or its sandbox), retries ran out, or an update cannot be made. An
        /// update's row keeps its connection.
        case failed(Note, Answer = Answer(), connection: Connection? = nil)
        /// The run stopped before this row; `note` says why. An update's row keeps its connection.
        case notRun(Note, connection: Connection? = nil)
    }

    /// The resources a row has past its base connection (`run --through source|flow`), and the step
    /// a failed row failed at: the results' `source_connection_id`, `target_connection_id`, `flow_id`,
    /// `step` and `failed_step`.
    public struct Chain: Sendable, Equatable {
        public var sourceID: String?
        public var targetID: String?
        public var flowID: String?
        public var failedStep: ChainStep?

        public init(
            sourceID: String? = nil,
            targetID: String? = nil,
            flowID: String? = nil,
            failedStep: ChainStep? = nil
        ) {
            self.sourceID = sourceID
            self.targetID = targetID
            self.flowID = flowID
            self.failedStep = failedStep
        }

        /// The ID of the resource of `step` past the base connection.
        public subscript(step: ChainStep) -> String? {
            get {
                switch step {
                case .connection: nil
                case .source: sourceID
                case .target: targetID
                case .flow: flowID
                }
            }
            set {
                switch step {
                case .connection: break
                case .source: sourceID = newValue
                case .target: targetID = newValue
                case .flow: flowID = newValue
                }
            }
        }
    }

    /// The last step of the chain the row has a resource for: `connection` once it has a base
    /// connection, then `source`, `target`, `flow`.
    public var step: ChainStep? {
        guard connection != nil else { return nil }
        return ChainStep.allCases.last { $0 == .connection || chain[$0] != nil }
    }

    /// A connection: its ID, and its etag when known.
    public struct Connection: Sendable, Equatable {
        public var id: String
        public var etag: String?

        public init(id: String, etag: String? = nil) {
            self.id = id
            self.etag = etag
        }
    }

    /// What the row's last answer carried.
    public struct Answer: Sendable, Equatable {
        public var httpStatus: Int?
        /// The answer's `x-request-id`.
        public var requestID: String?

        public init(httpStatus: Int? = nil, requestID: String? = nil) {
            self.httpStatus = httpStatus
            self.requestID = requestID
        }
    }

    /// An error code (the service's, such as `FLOW-1413-400`, or ours) and one readable sentence.
    public struct Note: Sendable, Equatable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The status in the results file.
    public var status: RowStatus {
        switch result {
        case .created: .created
        case .exists: .exists
        case .updated: .updated
        case .unchanged: .unchanged
        case .invalid: .invalid
        case .failed: .failed
        case .notRun: .notRun
        }
    }

    /// The row's connection, when it has one.
    public var connection: Connection? {
        switch result {
        case .created(let connection, _, _), .exists(let connection, _), .updated(let connection, _),
            .unchanged(let connection, _):
            connection
        case .failed(_, _, let connection), .notRun(_, let connection): connection
        case .invalid: nil
        }
    }

    /// What the last answer carried, for a row that was sent.
    public var answer: Answer? {
        switch result {
        case .created(_, let answer, _), .updated(_, let answer), .failed(_, let answer, _): answer
        case .exists, .unchanged, .invalid, .notRun: nil
        }
    }

    /// The error, or a `created`, `exists` or `unchanged` row's warning.
    public var note: Note? {
        switch result {
        case .created(_, _, let note), .exists(_, let note), .unchanged(_, let note): note
        case .invalid(let note, _), .failed(let note, _, _), .notRun(let note, _): note
        case .updated: nil
        }
    }

    // The results file's columns.
    public var connectionID: String? { connection?.id }
    public var etag: String? { connection?.etag }
    public var httpStatus: Int? { answer?.httpStatus }
    public var requestID: String? { answer?.requestID }
    public var errorCode: String? { note?.code }
    public var error: String? { note?.message }

    /// The field an `invalid` row's first problem is about.
    public var errorField: String? {
        if case .invalid(_, let field) = result { field } else { nil }
    }
}

/// The status of a row in the results file.
public enum RowStatus: String, Sendable, CaseIterable, Equatable {
    /// This run or an earlier one created the connection.
    case created
    /// A connection with this name already existed; it was not created by flowbatch.
    case exists
    /// `--if-exists update`: the existing connection was patched to match the row.
    case updated
    /// `--if-exists update`: the existing connection already matched the row; nothing was sent.
    case unchanged
    /// Not sent: the row is wrong.
    case invalid
    /// Sent: the service refused it, or retries ran out.
    case failed
    /// The run stopped before this row.
    case notRun = "not-run"

    /// Whether a later run leaves the row alone.
    public var isDone: Bool { self == .created || self == .exists || self == .updated || self == .unchanged }
}
