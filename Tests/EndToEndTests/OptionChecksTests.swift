import FlowBatchTestSupport
import Foundation
import Testing

/// The options every sending command shares are checked once, the same way in each (exit 64).
@Suite("shared options, checked once, with the built binary", .timeLimit(.minutes(3)))
struct OptionChecksTests {
    static let commands: [[String]] = [
        ["run", "in.csv"], ["undo", "in.results.csv"], ["test", "in.results.csv"], ["export"], ["check"],
    ]

    @Test("--timeout takes a duration (30s, 2m, a bare number of seconds) and refuses 0 or words, in every command")
    func timeoutIsADuration() async throws {
        for command in Self.commands {
            for bad in ["0", "soon", "-5"] {
                let result = try await CommandLineTool.run(command + ["--timeout", bad])
                #expect(result.status == 64, "\(command) --timeout \(bad): \(result.allOutput)")
                #expect(result.stderr.contains("--timeout <duration>"), "\(result.stderr)")
            }
        }
        let help = try await CommandLineTool.run(["run", "--help"])
        #expect(help.stdout.contains("(default: 30s)"), "\(help.stdout)")
    }

    @Test("--concurrency and --max-attempts are refused out of range wherever they are taken, demo included")
    func concurrencyAndAttemptsAreChecked() async throws {
        for command in [["run", "in.csv"], ["undo", "in.results.csv"], ["test", "in.results.csv"], ["demo"]] {
            let result = try await CommandLineTool.run(command + ["--concurrency", "0"])
            #expect(result.status == 64, "\(command): \(result.allOutput)")
            #expect(result.stderr.contains("--concurrency must be between 1 and 4096"), "\(result.stderr)")
        }
        for command in [["run", "in.csv"], ["undo", "in.results.csv"], ["export"]] {
            let result = try await CommandLineTool.run(command + ["--max-attempts", "0"])
            #expect(result.status == 64, "\(command): \(result.allOutput)")
            #expect(result.stderr.contains("--max-attempts must be at least 1"), "\(result.stderr)")
        }
    }
}
