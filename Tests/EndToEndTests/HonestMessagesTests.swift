import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What flowbatch says as the built binary says it against the mock: summaries that tell the truth
/// after a canary or a rerun, errors that name what to fix, and nothing a log cannot show.
@Suite("Messages that tell the truth, as a built binary against the mock", .serialized, .timeLimit(.minutes(10)))
struct HonestMessagesTests {
    private func platform(_ harness: MockHarness) -> [String] {
        ["--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL]
    }

    @Test("after a --limit canary the summary counts the rows not read, and never says a rerun sends nothing")
    func canarySummary() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 20)
            let result = try await harness.run(input, ["--limit", "5"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(result.stdout.contains("Not read: 15 rows after the first 5 (--limit 5)."), "\(result.stdout)")
            #expect(
                result.stdout.contains("without --limit 5, it goes on with the 15 rows not read"),
                "\(result.stdout)"
            )
            #expect(!result.stdout.contains("every row is created or exists"), "\(result.stdout)")
            #expect(result.stderr.contains("the other 15 rows are left as they are"), "\(result.stderr)")
            #expect(harness.mock.connections(sandbox: nil).count == 5)
        }
    }

    @Test("a rerun that sends nothing: no 0.0 rows/s, 'now' and 'earlier' aligned, etags without tripled quotes")
    func rerunSummary() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 200)
            #expect(try await harness.run(input).status == 0)
            let again = try await harness.run(input)
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(!again.stdout.contains("0.0 rows/s"), "\(again.stdout)")
            #expect(again.stdout.contains("200 rows in "), "\(again.stdout)")
            #expect(again.stdout.contains("(every row was done by an earlier run)"), "\(again.stdout)")
            let lines = again.stdout.split(separator: "\n").map(String.init)
            let created = try #require(lines.first { $0.hasPrefix("  created") })
            let failed = try #require(lines.first { $0.hasPrefix("  failed") })
            // The first number of each line ends in the same column.
            #expect(created == "  created  0 now, 200 earlier", "\(again.stdout)")
            #expect(failed == "  failed   0", "\(again.stdout)")
            let text = try harness.directory.read("in.results.csv")
            #expect(!text.contains("\"\"\""), "\(text.prefix(400))")
        }
    }

    @Test("most common errors: three different URL problems are three lines, each with its own sentence")
    func errorsGroupedBySentence() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password\nA,ftp://a.example.com,u,pw-S3CRET\nB,https://b.example.com:99999,u,pw-S3CRET\n"
                    + "C,https://c example.com,u,pw-S3CRET\nD,ftp://a.example.com,u,pw-S3CRET\n"
            )
            let result = try await harness.run(input)
            #expect(result.status == 1, "\(result.allOutput)")
            let lines = result.stdout.split(separator: "\n").map(String.init).filter { $0.contains("invalid-url") }
            #expect(lines.count == 3, "\(result.stdout)")
            #expect(lines.contains { $0.contains("×1") && $0.contains("invalid port") }, "\(lines)")
            #expect(lines.contains { $0.contains("×1") && $0.contains("spaces or control characters") }, "\(lines)")
            #expect(lines.contains { $0.contains("×2") && $0.contains("'ftp://a.example.com'") }, "\(lines)")
        }
    }

    @Test("a second run refused for a busy journal says so first, before any note about resuming")
    func busyJournalFirst() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 3)
            #expect(try await harness.run(input).status == 0)
            let journal = harness.directory.file("in.results.csv.journal")
            let held = open(journal, O_RDONLY)
            #expect(held >= 0)
            #expect(flock(held, LOCK_EX | LOCK_NB) == 0)
            defer { close(held) }
            let refused = try await harness.run(input)
            #expect(refused.status == 64, "\(refused.allOutput)")
            #expect(refused.stderr.contains("another flowbatch run is using"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("resuming from"), "\(refused.stderr)")
        }
    }

    @Test("the resume note says 'journaled, possibly sent' for attempts whose answer is unknown")
    func resumeNoteWording() async throws {
        try await MockHarness.with({ $0.faults.latency = .seconds(2) }) { harness in
            let input = try harness.writeInput(rows: 4)
            let tool = try harness.start(input, ["--concurrency", "4"])
            try await waitUntil { harness.mock.stats().connections >= 4 }
            tool.send(SIGKILL)
            _ = try await tool.wait(timeout: 30)
            harness.mock.updateFaultsIgnoringErrors { $0.latency = .zero }
            let resumed = try await harness.run(input)
            #expect(resumed.status == 0, "\(resumed.allOutput)")
            #expect(resumed.stderr.contains("4 journaled without a known answer, possibly sent"), "\(resumed.stderr)")
            #expect(!resumed.stderr.contains("sent without a known answer"), "\(resumed.stderr)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 4)
        }
    }

    @Test("a rerun of undo and of test says 'N now, M earlier', as run does")
    func undoAndTestReruns() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 5)
            #expect(try await harness.run(input).status == 0)
            let results = harness.directory.file("in.results.csv")
            let test = ["test", results, "--progress", "none"] + platform(harness)
            #expect(try await CommandLineTool.run(test, environment: harness.environment).status == 0)
            let testAgain = try await CommandLineTool.run(test, environment: harness.environment)
            #expect(testAgain.stdout.contains("passed 0 now, 5 earlier"), "\(testAgain.allOutput)")
            let undo = ["undo", results, "--yes", "--progress", "none"] + platform(harness)
            let first = try await CommandLineTool.run(undo, environment: harness.environment)
            #expect(first.stdout.contains("deleted 5,"), "\(first.allOutput)")
            let again = try await CommandLineTool.run(undo, environment: harness.environment)
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(again.stdout.contains("deleted 0 now, 5 earlier"), "\(again.allOutput)")
        }
    }

    @Test("an unreachable proxy is named as the proxy, with the variable it came from, not as the IMS URL")
    func unreachableProxy() async throws {
        try await MockHarness.with { harness in
            // A port nothing listens on: bound, then closed.
            let closed = try await Self.closedPort()
            let input = try harness.writeInput(rows: 2)
            let result = try await CommandLineTool.run(
                [
                    "run", input, "--progress", "none", "--endpoint",
                    "http://flow.example.test/data/foundation/flowservice",
                ]
                    + ["--ims-url", "http://ims.example.test", "--allow-insecure-http"],
                environment: harness.environment.merging(["http_proxy": "http://127.0.0.1:\(closed)"]) { $1 }
            )
            #expect(result.status != 0, "\(result.allOutput)")
            #expect(
                result.stderr.contains("could not connect to the proxy http://127.0.0.1:\(closed) (from http_proxy)"),
                "\(result.stderr)"
            )
            #expect(!result.stderr.contains("check the IMS URL"), "\(result.stderr)")
        }
    }

    /// A loopback port that was free a moment ago, with nothing listening on it now.
    private static func closedPort() async throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("no ANSI escape reaches a stderr that is not a terminal, not even quitting at once on a second Ctrl-C")
    func noEscapesOffTerminal() async throws {
        try await MockHarness.with({ $0.faults.latency = .seconds(1) }) { harness in
            let input = try harness.writeInput(rows: 40)
            let tool = try CommandLineTool.start(
                ["run", input, "--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL],
                environment: harness.environment
            )
            try await waitUntil { harness.mock.stats().connections >= 1 }
            tool.send(SIGINT)
            try await waitUntil { tool.stderrSoFar().contains("stopping:") }
            tool.send(SIGINT)
            let stopped = try await tool.wait(timeout: 30)
            #expect(stopped.status == 130, "\(stopped.allOutput)")
            #expect(stopped.stderr.contains("quitting at once"), "\(stopped.stderr)")
            #expect(!stopped.stderr.contains("\u{1B}"), "\(stopped.stderr.debugDescription)")
            #expect(!stopped.stderr.contains("\r"), "\(stopped.stderr.debugDescription)")
        }
    }
}
