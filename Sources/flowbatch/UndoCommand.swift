import ArgumentParser
import FlowBatch
import FlowBatchModel
import FlowServiceAPI
import Foundation

/// `flowbatch undo`: deletes the connections a run created.
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Delete the connections that runs recorded as created in a results file.",
        discussion: """
            Only rows with status 'created' are deleted, never 'exists', 'updated' or 'unchanged' (flowbatch did not create those). \
            Asks first; --yes skips the question. A connection already gone (404) counts as deleted. Writes one \
            result per row to <results>.undo.csv, and running the same command again resumes.

            The run's journal (<results>.journal) must be beside the results file: it says which service and \
            org the connections were created at, so that undo cannot delete through another --endpoint by \
            mistake. Without it, undo refuses unless --force.
            """
    )

    @OptionGroup var options: ResultsFileOptions

    @Flag(help: "Delete without asking.")
    var yes = false

    @Flag(help: "Delete even when the run's journal is missing (nothing then confirms the endpoint and org).")
    var force = false

    /// At least this many deletions, nearly all answered 404: the endpoint is probably not the run's.
    static let wrongServiceMinimum = 3

    func run() async throws {
        let (settings, plan) = try options.plan(.delete)
        let results = options.results
        if !force, !FileManager.default.fileExists(atPath: results + ".journal") {
            throw Failure.exit(
                .configuration,
                "error: \(results).journal is missing: the run's journal is what shows that \(settings.platform.endpoint)"
                    + " and org \(settings.platform.orgID) are where the connections were created. Put it back beside"
                    + " the results file, or pass --force to delete what \(results) lists as created anyway"
            )
        }
        guard !plan.targets.isEmpty else {
            Console.out(
                "nothing to undo: \(results) lists no created connections (\(plan.existing) existing ones are never deleted)"
            )
            return
        }
        let question =
            "Delete \(Self.resources(plan.targets)) created by flowbatch"
            + " (sandbox \(plan.sandboxes.joined(separator: ", "))) at \(settings.platform.endpoint)?"
            + (plan.existing > 0 ? " The \(plan.existing) rows marked 'exists' are left alone." : "")
        if !yes {
            guard isatty(0) != 0 else {
                throw Failure.exit(
                    .configuration,
                    "error: \(question) Confirm with --yes (standard input is not a terminal to ask on)"
                )
            }
            Console.errRaw(question + " Type 'yes' to delete: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                Console.err("nothing was deleted")
                throw ExitCode(ExitStatus.someRowsNotDone.rawValue)
            }
        }
        let summary = try await options.execute(
            .delete,
            plan,
            settings: settings,
            outputPath: options.outputPath("undo")
        )
        let deleted = ConnectionsRun<ContinuousClock>.Summary.count(summary.deleted, earlier: summary.deletedEarlier)
        var text = "deleted \(deleted), already gone \(summary.alreadyGone), failed \(summary.failed)"
        if summary.notRun > 0 { text += ", not run \(summary.notRun)" }
        if plan.hasChain {
            text +=
                " (rows: each row's flow, target and source connections, then its connection when this output made it)"
        }
        Console.out(text)
        if let reason = summary.stoppedBecause { Console.out("Stopped early: \(reason)") }
        let asked = summary.alreadyGone + summary.deletedNow
        if asked >= Self.wrongServiceMinimum, Double(summary.alreadyGone) >= 0.8 * Double(asked) {
            Console.err(
                "warning: \(summary.alreadyGone) of \(asked) connections were already gone (404): \(settings.platform.endpoint)"
                    + " (org \(settings.platform.orgID)) is probably not the service the run created them at"
            )
        }
        Console.out("Results: \(summary.outputPath)")
        if summary.failed + summary.notRun > 0 {
            Console.out("Running the same command again retries the rest.")
        }
        Console.flush()
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// What undo deletes, by kind, in the order it deletes them: "40 flows, 40 target connections, 40 source
    /// connections and 40 connections" (a row's chain past its base connection is deleted before it).
    static func resources(_ targets: [BulkTarget]) -> String {
        let counts =
            ([ChainStep.flow, .target, .source].map { step in
                (ResourceKind.of(step).noun, targets.filter { $0.chain.contains { $0.step == step } }.count)
            } + [(ResourceKind.baseConnection.noun, targets.filter(\.includesConnection).count)])
            .filter { $0.1 > 0 }
        let parts = counts.map { "\($0.1) \($0.0)\($0.1 == 1 ? "" : "s")" }
        guard parts.count > 1 else { return parts.first ?? "nothing" }
        return parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
    }
}
