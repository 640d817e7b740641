import ArgumentParser
import FlowBatch
import FlowBatchModel
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
            """
    )

    @OptionGroup var options: ResultsFileOptions

    @Flag(help: "Delete without asking.")
    var yes = false

    func run() async throws {
        let (settings, plan) = try options.plan(.delete)
        let results = options.results
        guard !plan.targets.isEmpty else {
            Console.out(
                "nothing to undo: \(results) lists no created connections (\(plan.existing) existing ones are never deleted)"
            )
            return
        }
        let question =
            "Delete \(plan.targets.count) connection\(plan.targets.count == 1 ? "" : "s") created by flowbatch"
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
        Console.out(text)
        if let reason = summary.stoppedBecause { Console.out("Stopped early: \(reason)") }
        Console.out("Results: \(summary.outputPath)")
        if summary.failed + summary.notRun > 0 {
            Console.out("Running the same command again retries the rest.")
        }
        Console.flush()
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}
