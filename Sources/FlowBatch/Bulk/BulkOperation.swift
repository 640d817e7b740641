import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// One operation over the connections a results file lists, as a value: which rows it applies to,
/// its one request, its journal lines, what an earlier run of it settled, its words and its results
/// file. ``ConnectionsRun`` runs any of them through one window and one retrier; `undo`'s
/// ``delete`` and `test`'s ``test`` are two values, each in a file of its own, and a third (explore)
/// is a third value.
public struct BulkOperation: Sendable {
    /// Its name: the command's (`delete` for undo, `test`) and its outputs' (`the delete results`).
    public let name: String
    /// What the progress line and summaries call the act and its being done: `delete`, `deleted`.
    public let verb: String
    public let pastTense: String
    /// The statuses of the results rows it applies to.
    let statuses: Set<String>
    /// It also applies to a row the run's journal records as created whatever the results say (an
    /// update run may have rewritten the row's status).
    let includesCreatedByARun: Bool
    /// Its journal lines go to the run's journal too (undo's deletions, so that the next run creates
    /// the row anew).
    let tellsTheRunJournal: Bool
    /// Whether an earlier answer (for the connection as its etag then was) still holds for `target`.
    let earlierHolds: @Sendable (_ etag: String?, _ target: BulkTarget) -> Bool
    /// One try of its request.
    let perform: @Sendable (FlowServiceClient, BulkTarget) async throws(RunError) -> BulkAnswer
    /// The journal event of an answered target.
    let event: @Sendable (JournalEvent.Row, BulkTarget, BulkAnswer) -> JournalEvent
    /// What a line of its own journal says an earlier run answered: the connection, its etag then, the answer.
    let earlier: @Sendable (JournalEvent) -> (id: String, etag: String?, answer: BulkAnswer)?
    /// The parts of the progress line after `deleted 3/10`: e.g. a test's `passed 2 · failed 1`.
    let progressParts: @Sendable (RunStatistics.Snapshot) -> [String]
    /// Writes its results file from the plan and each target's outcome.
    let writeResults: @Sendable (BulkPlan, [BulkOutcome], inout BufferedFile) throws(RunError) -> Void
    /// The journal events, after ``event``, about an answered target's resources past its base
    /// connection (undo's deletions of a row's flow, target and source connections).
    var chainEvents: @Sendable (JournalEvent.Row, BulkTarget) -> [JournalEvent] = { _, _ in [] }
    /// It applies to a row's resources past its base connection too, those a run created (undo).
    var appliesToChain = false
    /// It also checks each row's dataflow when the results file has a `flow_id` column (``FlowCheck``):
    /// `test`'s, whose results then carry them in ``BulkPlan/flowChecks``.
    var checksFlows = false
}

/// The service's answer to one target's request: `yes` (deleted; the test said true), and whether
/// it had been done already (the connection was gone).
public struct BulkAnswer: Sendable, Equatable {
    public var yes: Bool
    public var alreadyDone = false

    public init(yes: Bool, alreadyDone: Bool = false) {
        self.yes = yes
        self.alreadyDone = alreadyDone
    }
}

/// What happened to one target.
enum BulkOutcome: Sendable {
    /// Answered now, or by an earlier run of the operation (`earlier`).
    case answered(BulkAnswer, earlier: Bool)
    case failed(RunError)
    case notRun

    /// How the progress counts it: done well (`created`), answered no (`invalid`), a request that
    /// failed, or not run.
    var progressStatus: RowStatus {
        switch self {
        case .answered(let answer, _): answer.yes ? .created : .invalid
        case .failed: .failed
        case .notRun: .notRun
        }
    }
}

/// One connection an operation applies to.
public struct BulkTarget: Sendable, Equatable {
    public var row: Int
    public var name: String
    public var sandbox: String
    public var connectionID: String
    /// The etag the results file gives: a test is reused only for the connection as it was tested.
    public var etag: String
    /// The index of its line among the results file's rows.
    public var line: Int
    /// `run --through source|flow`: the row's resources past its base connection that the operation
    /// applies to, in the order it applies to them (undo: the flow, the target and source connections).
    public var chain: [ChainResource] = []
    /// Whether the operation applies to the base connection itself (undo: only when a run created it).
    public var includesConnection = true
}

/// One of a row's resources past its base connection.
public struct ChainResource: Sendable, Equatable {
    public var step: ChainStep
    public var id: String

    public init(step: ChainStep, id: String) {
        self.step = step
        self.id = id
    }
}

/// What an operation would touch, read from a results file.
public struct BulkPlan: Sendable {
    public var targets: [BulkTarget]
    /// Rows the results file lists as `exists`: never deleted.
    public var existing: Int
    /// The results file's header and rows, as they are (`test` writes them again with its answer).
    public var header: [String]
    public var lines: [[String]]
    /// The results file has the chain's columns (`run --through source|flow`).
    public var hasChain = false
    /// What `test` found of each row's dataflow, by line (``FlowCheck``); filled in by the run.
    public var flowChecks: [Int: FlowCheck] = [:]
    /// Whether the results file has rows that may have flows (a `flow_id` column).
    public var hasFlows: Bool { header.contains(FlowCheck.flowIDColumn) }
    public var rows: Int { lines.count }
    public var sandboxes: [String] { Array(Set(targets.map(\.sandbox))).sorted() }
}
