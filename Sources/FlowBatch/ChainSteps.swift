import FlowBatchEngine
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// Takes a row whose base connection is done down the rest of its chain (`run --through
/// source|flow`): source connection, target connection, flow, each through the one exactly-once
/// create (``ExactlyOnceCreate``) with its kind's look-up.
///
/// Each step is written ahead (its `step-attempt` line on disk before the `POST` leaves) and its ID
/// recorded after. A step the journal does not record as done is looked up first, with the filters
/// Adobe documents for its kind (by the parent's ID, or by name and dataset), unless its parent was
/// created by this very run's request: then nothing can hang off it yet, and the look-up would only
/// cost a request per row. What the look-up finds is the row's own when the journal shows a `POST`
/// was sent for it (a `kill -9` or a lost answer), and reused (`exists` for that step) when not.
struct ChainSteps<C: Clock>: Sendable where C.Duration == Duration {
    let creates: ExactlyOnceCreate<C>
    let client: FlowServiceClient
    let journal: JournalWriter
    let specs: ChainSpecs

    /// How the chain went.
    struct End: Sendable {
        var chain = RowOutcome.Chain()
        /// Some step's resource was created (by this run or, as the journal shows, an earlier one).
        var createdAny = false
        var attempts = 0
        var answer = RowOutcome.Answer()
        var ending = Ending.complete
        /// Created by a request whose answer never came, as a look-up showed.
        var recovered = false

        enum Ending: Sendable {
            case complete
            /// The step failed; `ambiguous`: its last request may have created it.
            case failed(ChainStep, RunError, ambiguous: Bool)
            case notRun
            /// The run stopped on this error while the step was under way.
            case runError(ChainStep, RunError, ambiguous: Bool)
        }
    }

    /// Runs `plan`'s steps for the row `row` in `sandbox`, on base connection `connectionID`;
    /// `fresh`: this run's own request created the base connection just now.
    func run(
        _ plan: ChainPlan,
        row: JournalEvent.Row,
        sandbox: String,
        connectionID: String,
        fresh: Bool
    ) async -> End {
        var end = End()
        end.chain = plan.knownIDs
        end.createdAny = plan.steps.contains { plan.known[$0]?.created == true }
        // Whether each resource so far was created by this run's own request.
        var freshNow: [ChainStep: Bool] = [.connection: fresh]
        for step in plan.steps {
            if end.chain[step] != nil {
                freshNow[step] = false
                continue
            }
            guard
                let create = plan.create(
                    step,
                    specs: specs,
                    sandbox: sandbox,
                    connectionID: connectionID,
                    chain: end.chain
                )
            else { preconditionFailure("the row decision lets no row without a dataset or flow spec through") }
            let parentFresh =
                switch step {
                case .connection, .source, .target: freshNow[.connection] ?? false
                case .flow: (freshNow[.source] ?? false) && (freshNow[.target] ?? false)
                }
            let known = plan.known[step]
            var tries = ExactlyOnceCreate<C>.Tries()
            // Looked up first unless nothing can exist yet; found, it is the row's own only when a
            // request was ever sent for it.
            tries.ambiguous = !parentFresh || known?.lookUpFirst == true || known?.attempted == true
            let outcome: ExactlyOnceCreate<C>.End
            do {
                outcome = try await creates.run(create, &tries) { (number) async throws(RunError) in
                    try await client.ensureToken()
                    journal.append(JournalRecord(.step(row, step, .attempt(number))).encoded())
                    // On disk before the first try leaves: a resource made by a request the journal
                    // does not know would be taken for someone else's.
                    if number == 1 { try await journal.flush() }
                }
            } catch {
                end.attempts += tries.attempts
                journal.append(failedRecord(row, step, error, ambiguous: tries.ambiguous))
                end.ending = .runError(step, tries.lastFailure ?? error, ambiguous: tries.ambiguous)
                return end
            }
            end.attempts += tries.attempts
            switch outcome {
            case .created(let id, _, let status, let requestID, let recovered):
                end.chain[step] = id
                // Found before anything was sent: the row's own only when an earlier run sent a request for it.
                let ours = !recovered || tries.attempts > 0 || known?.attempted == true
                if ours {
                    end.createdAny = true
                    end.recovered = end.recovered || recovered
                    journal.append(JournalRecord(.step(row, step, .created(id: id, requestID: requestID))).encoded())
                } else {
                    journal.append(JournalRecord(.step(row, step, .exists(id: id))).encoded())
                }
                end.answer = .init(httpStatus: status, requestID: requestID)
                freshNow[step] = !recovered
            case .failed(let failure):
                journal.append(failedRecord(row, step, failure, ambiguous: tries.ambiguous))
                end.answer = .init(httpStatus: failure.httpStatus, requestID: failure.requestID)
                end.ending = .failed(step, failure, ambiguous: tries.ambiguous)
                return end
            case .notRun:
                end.ending = .notRun
                return end
            }
        }
        return end
    }

    private func failedRecord(
        _ row: JournalEvent.Row,
        _ step: ChainStep,
        _ failure: RunError,
        ambiguous: Bool
    ) -> [UInt8] {
        JournalRecord(
            .step(
                row,
                step,
                .failed(
                    .init(
                        code: failure.resultCode,
                        error: failure.message,
                        status: failure.httpStatus,
                        ambiguous: ambiguous,
                        requestID: failure.requestID
                    )
                )
            )
        )
        .encoded()
    }
}
