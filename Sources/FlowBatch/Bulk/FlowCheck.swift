import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI

/// What `test` found of one row's dataflow, beside its connection test: the flow's latest run
/// (`flow_state`) and a preview of its source through explore (`preview`).
///
/// Neither changes the row's `result` (the connection test's, as before), but either failing makes
/// `test` exit 1: exit 0 says that every tested row works, and a row whose source cannot be read or
/// whose flow's last run failed brings no data, whatever its connection test says.
///
/// Both are read again on every `test` and not journaled: they are reads of what the service holds
/// now (a run that was `inProgress` has an outcome by the next time), not an answer to keep.
public struct FlowCheck: Sendable, Equatable {
    /// The flow's latest run status (`success`, `failed: <message>`, `inProgress`), `no-run` when it
    /// has none yet, or why it could not be read.
    public var flowState: String
    /// `ok`, or the sentence saying why the source could not be previewed.
    public var preview: String
    /// The preview failed, or the latest run failed or could not be read.
    public var failed: Bool

    public init(flowState: String, preview: String, failed: Bool) {
        self.flowState = flowState
        self.preview = preview
        self.failed = failed
    }

    /// `flow_state`'s word for a flow with no run yet.
    public static let noRun = "no-run"
    /// `preview`'s word for a source that answered.
    public static let ok = "ok"
    /// The columns `test` adds after `result` and `test_error` when the results file has `flow_id`.
    public static let columns = ["flow_state", "preview"]
    /// The results column that holds a row's flow.
    public static let flowIDColumn = "flow_id"
    /// The last of the results' own columns: the input's carried columns (a row's source params among
    /// them) come after it.
    static let lastFixedColumn = "duration_ms"

    /// One row whose flow `test` checks.
    struct Target: Sendable {
        var line: Int
        var sandbox: String
        var connectionID: String
        var flowID: String
        /// The row's source params by path, from its carried columns.
        var values: [String: String]
    }

    /// The rows of `plan` with a flow and a connection, their source params matched by header against
    /// `schema` (only the columns carried from the input, after ``lastFixedColumn``).
    static func targets(_ plan: BulkPlan, schema: SourceParamsSchema?) -> [Target] {
        let header = plan.header
        guard let flowColumn = header.firstIndex(of: flowIDColumn),
            let idColumn = header.firstIndex(of: "connection_id"),
            let sandboxColumn = header.firstIndex(of: "sandbox")
        else { return [] }
        let carriedFrom = header.firstIndex(of: lastFixedColumn).map { $0 + 1 } ?? 0
        let carried = Array(header[carriedFrom...])
        return plan.lines.enumerated().compactMap { line, fields in
            guard fields.count > max(flowColumn, idColumn, sandboxColumn), !fields[flowColumn].isEmpty,
                !fields[idColumn].isEmpty
            else { return nil }
            let values = schema?.values(header: carried, fields: Array(fields.dropFirst(carriedFrom))) ?? [:]
            return Target(
                line: line,
                sandbox: fields[sandboxColumn],
                connectionID: fields[idColumn],
                flowID: fields[flowColumn],
                values: values
            )
        }
    }
}

extension ConnectionsRun {
    /// Reads the latest run and the preview of every target, through the session's window and the
    /// bulk retrier; by line. A run error stops the run (the targets not reached have no check).
    func checkFlows(
        _ targets: [FlowCheck.Target],
        schema: SourceParamsSchema?,
        client: FlowServiceClient,
        retrier: Retrier<C>,
        window: ConcurrencyLimit
    ) async throws -> [Int: FlowCheck] {
        var checks: [Int: FlowCheck] = [:]
        var iterator = targets.makeIterator()
        let executor = WindowedExecutor(concurrency: window, stop: stop, batchSize: 64)
        _ = try await executor.run(
            next: { iterator.next() },
            work: { [self] target in
                (target.line, await check(target, schema: schema, client: client, retrier: retrier))
            },
            sink: { line, check in
                if let check { checks[line] = check }
            }
        )
        return checks
    }

    private func check(
        _ target: FlowCheck.Target,
        schema: SourceParamsSchema?,
        client: FlowServiceClient,
        retrier: Retrier<C>
    ) async -> FlowCheck? {
        var failed = false
        let flowState: String
        switch await read(
            target.sandbox,
            retrier,
            { () async throws(RunError) in
                try await client.latestRun(flowID: target.flowID, sandbox: target.sandbox)
            }
        ) {
        case .value(nil): flowState = FlowCheck.noRun
        case .value(let run?):
            failed = run.status.lowercased() == "failed"
            flowState = run.status + (run.errorMessage.map { ": \($0)" } ?? "")
        case .failed(let sentence):
            failed = true
            flowState = "could not be read: \(sentence)"
        case .stopped: return nil
        }
        let preview: String
        if let schema {
            let problems = schema.problems(target.values)
            if problems.isEmpty {
                let params = schema.paramsJSON(target.values)
                switch await read(
                    target.sandbox,
                    retrier,
                    { () async throws(RunError) in
                        try await client.explore(
                            connectionID: target.connectionID,
                            sourceParams: params,
                            sandbox: target.sandbox
                        )
                    }
                ) {
                case .value: preview = FlowCheck.ok
                case .failed(let sentence): preview = sentence
                case .stopped: return nil
                }
            } else {
                preview = "not previewed: " + problems.joined(separator: "; ")
            }
        } else {
            preview = "not previewed: the service's connection spec lists no source params (its sourceSpec)"
        }
        failed = failed || preview != FlowCheck.ok
        return FlowCheck(flowState: flowState, preview: preview, failed: failed)
    }

    private enum Read<Value: Sendable>: Sendable {
        case value(Value)
        /// The service's sentence and code.
        case failed(String)
        case stopped
    }

    /// One read through the retrier: a refusal of this row is its sentence; a run error stops the run.
    private func read<Value: Sendable>(
        _ sandbox: String,
        _ retrier: Retrier<C>,
        _ request: () async throws(RunError) -> Value
    ) async -> Read<Value> {
        func sentence(_ error: RunError) -> String { "\(error.message) [\(error.resultCode)]" }
        do {
            let end = try await retrier.run { (_) async throws(RunError) -> TryVerdict<Read<Value>> in
                do throws(RunError) {
                    return .done(.value(try await request()))
                } catch {
                    switch try AnswerClassifier.classify(error, sandbox: sandbox) {
                    case .runError(let error): throw error
                    case .rowError(let failure), .sandboxError(let failure): return .done(.failed(sentence(failure)))
                    case .transient(let reason, _): return .again(reason)
                    }
                }
            }
            switch end {
            case .done(let read): return read
            case .gaveUp(let reason): return .failed(sentence(reason.failure))
            case .stopped: return .stopped
            }
        } catch {
            stop.stop(.runError(error))
            return .stopped
        }
    }
}
