import ArgumentParser
import FlowBatch
import Foundation

/// `flowbatch test`: tests each connection a results file lists.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Test each connection a run created, found or updated (GET /connections/{id}/test).",
        discussion: """
            Tests every row of the results file whose status is created, exists, updated or unchanged, with up to \
            --concurrency requests in flight, retrying transient failures, and writes <results>.test.csv: every row \
            of the results file, then 'result' (true or false; empty when the row was not tested) and \
            'test_error' (why a connection could not be tested). Running the same command again tests only what \
            was not tested yet.

            A results file of a run --through flow (one with a flow_id column) also gets, for each row with a \
            flow, 'flow_state' (the status of the flow's latest run, or no-run) and 'preview' (ok, or why the \
            service could not read the row's source with the row's source params, through explore). These are \
            read again on every test. They leave 'result' as the connection test gave it, but a failed preview \
            or latest run makes the exit status 1.

            Exit status: 0 every tested connection passed (and every flow checked was fine); 1 a test, a preview \
            or a flow's latest run failed, or a test could not be run; 2 the run \
            stopped on a run error; 64 bad options or settings; 66 the results file cannot be read; 130 interrupted.
            """
    )

    @OptionGroup var options: ResultsFileOptions

    func run() async throws {
        let (settings, plan) = try options.plan(.test)
        guard !plan.targets.isEmpty else {
            Console.out("nothing to test: \(options.results) lists no connection (no created, exists or updated row)")
            return
        }
        let summary = try await options.execute(.test, plan, settings: settings, outputPath: options.outputPath("test"))
        typealias Summary = ConnectionsRun<ContinuousClock>.Summary
        let passed = Summary.count(summary.passed, earlier: summary.passedEarlier)
        let failed = Summary.count(summary.testFailed, earlier: summary.testFailedEarlier)
        var text = "tested \(plan.targets.count - summary.notRun - summary.failed): passed \(passed), failed \(failed)"
        if summary.failed > 0 { text += "; could not be tested \(summary.failed)" }
        if summary.notRun > 0 { text += "; not run \(summary.notRun)" }
        Console.out(text)
        if summary.flowsChecked > 0 {
            Console.out(
                "flows checked \(summary.flowsChecked): fine \(summary.flowsChecked - summary.flowsFailed), failed"
                    + " \(summary.flowsFailed) (see flow_state and preview)"
            )
        }
        if let reason = summary.stoppedBecause { Console.out("Stopped early: \(reason)") }
        Console.out("Results: \(summary.outputPath)")
        Console.flush()
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}
