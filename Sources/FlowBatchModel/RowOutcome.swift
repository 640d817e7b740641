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
    /// What happened.
    public var status: RowStatus
    /// The connection ID, for `created` and `exists`.
    public var connectionID: String?
    /// The etag of a created connection.
    public var etag: String?
    /// The HTTP status of the last answer.
    public var httpStatus: Int?
    /// POST requests sent for the row (in this run).
    public var attempts: Int
    /// The service's error code or ours.
    public var errorCode: String?
    /// The field an `invalid` row's first problem is about, for grouping errors; not in the results file.
    public var errorField: String?
    /// One readable sentence; for `created` rows, a note such as a warning that the row changed.
    public var error: String?
    /// The `x-request-id` of the last answer.
    public var requestID: String?
    /// Time from the first request to the outcome, in milliseconds.
    public var durationMS: Int?
    /// The input's columns that fill no field, carried unchanged.
    public var extras: [String]

    public init(
        sequence: Int,
        row: Int,
        name: String,
        sandbox: String,
        auth: AuthKind?,
        status: RowStatus,
        connectionID: String? = nil,
        etag: String? = nil,
        httpStatus: Int? = nil,
        attempts: Int = 0,
        errorCode: String? = nil,
        error: String? = nil,
        requestID: String? = nil,
        durationMS: Int? = nil,
        extras: [String] = []
    ) {
        self.sequence = sequence
        self.row = row
        self.name = name
        self.sandbox = sandbox
        self.auth = auth
        self.status = status
        self.connectionID = connectionID
        self.etag = etag
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.errorCode = errorCode
        self.error = error
        self.requestID = requestID
        self.durationMS = durationMS
        self.extras = extras
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
