import FlowBatchEngine
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// One valid row on its way to the service: a `POST /connections`, or a `PATCH` of the row's
/// existing connection (`--if-exists update`).
struct RowJob: Sendable {
    /// What the row needs.
    enum Operation: Sendable, Equatable {
        /// Create the connection.
        case create
        /// Patch connection `id` to match the row; `etag` as last known (the journal's or the
        /// listing's), `nil` when it must be read first.
        case update(id: String, etag: String?, description: Bool = false)
        /// Nothing to send for the base connection (an earlier run created it, or it exists): only the
        /// rest of the chain (``RowJob/chain``) is left.
        case settled(Settled)
    }

    /// A row whose base connection the decision settled without a request, as it decided it.
    struct Settled: Sendable, Equatable {
        var outcome: RowOutcome
        /// Journaled before the chain's first request.
        var event: JournalEvent?
        var recovered: Bool
        var changed: Bool
        var earlier: Bool
    }

    /// The row's place among the data rows.
    var sequence: Int
    var request: ConnectionRequest
    var operation: Operation = .create
    /// The request body (the create's, or the patch's), encoded once.
    var body: [UInt8]
    /// The input's own columns, carried to the results.
    var extras: [String]
    var contentFingerprint: String
    var secretFingerprint: String?
    /// IDs of connections with this name that existed before flowbatch sent anything for the row.
    var preexisting: [String]
    /// A run that did not list the sandbox (`--if-exists create`): the `createdAt` after which a
    /// connection may be what the row's requests made (``ResourceCreate/createdAfter``).
    var createdAfter: Int64? = nil
    /// An earlier run's request may have created the connection, and no listing showed whether it
    /// did: look the name up before the first try.
    var lookUpFirst = false
    /// `run --through source|flow`: the row's steps past its base connection.
    var chain: ChainPlan?
}

extension RowJob {
    /// The row's create as the exactly-once protocol takes it: a generic REST base connection, found
    /// again after a lost answer by its name within the generic REST spec.
    var create: ResourceCreate {
        ResourceCreate(
            kind: .baseConnection,
            sandbox: request.sandbox,
            name: request.name,
            body: body,
            secrets: request.credentials.secrets,
            lookUpFilters: FlowServiceClient.connectionLookUpFilters(name: request.name),
            preexisting: preexisting,
            createdAfter: createdAfter
        )
    }

    /// The journal line written before attempt number `attempt` is sent; for a settled base
    /// connection, the decision's event (if any), before the chain's first request.
    func attemptRecord(attempt: Int) -> [UInt8] {
        if case .settled(let settled) = operation { return settled.event.map { JournalRecord($0).encoded() } ?? [] }
        let row = JournalEvent.Row(request)
        let sending = JournalEvent.Sending(
            attempt: attempt,
            content: contentFingerprint,
            secrets: secretFingerprint,
            preexisting: preexisting,
            createdAfter: createdAfter
        )
        if case .update(let id, _, _) = operation { return JournalRecord(.patch(row, id: id, sending)).encoded() }
        return JournalRecord(.attempt(row, sending)).encoded()
    }

    /// The outcome of a row that was never sent because the run stopped first.
    var notRun: RowOutcome {
        if case .settled(let settled) = operation {
            var outcome = settled.outcome
            outcome.result = .notRun(.notRun(nil), connection: settled.outcome.connection)
            outcome.chain = chain?.knownIDs ?? RowOutcome.Chain()
            return outcome
        }
        return RowOutcome(
            sequence: sequence,
            row: request.row,
            name: request.name,
            sandbox: request.sandbox,
            auth: request.credentials.kind,
            .notRun(.notRun(nil), connection: updating),
            extras: extras
        )
    }

    /// An update's connection, as last known: an update's row keeps its connection's ID whatever
    /// happens, so that none goes missing from the results.
    var updating: RowOutcome.Connection? {
        guard case .update(let id, let etag, _) = operation else { return nil }
        return .init(id: id, etag: etag)
    }
}

extension RowOutcome.Note {
    /// Why a row was not run: the run stopped before it was sent (for `reason`, when known).
    static func notRun(_ reason: StopSignal.Reason?) -> Self {
        switch reason {
        case .interrupted: .init(code: "interrupted", message: "the run was interrupted before this row was sent")
        case .runError(let error):
            .init(code: "run-stopped", message: "the run stopped before this row was sent: \(error.message)")
        case nil: .init(code: "run-stopped", message: "the run stopped before this row was sent")
        }
    }
}
