import FlowBatchTestSupport
import Foundation
import Testing

/// The documentation that the binary itself can check: every option is in docs/options.md as the
/// binary prints it, and the README links every file of docs/.
@Suite("The docs match the built binary", .timeLimit(.minutes(2)))
struct DocsTests {
    static let commands = ["run", "validate", "undo", "test", "export", "check", "mock", "demo", "version"]

    @Test("docs/options.md holds every command's --help exactly as the binary prints it", arguments: commands)
    func everyOption(command: String) async throws {
        let help = try await CommandLineTool.run([command, "--help"], environment: ["COLUMNS": "80"])
        #expect(help.status == 0, "\(help.allOutput)")
        let documented = try String(
            contentsOfFile: (Repository.root as NSString).appendingPathComponent("docs/options.md"),
            encoding: .utf8
        )
        let block = "## `flowbatch \(command)`\n\n```text\n" + help.stdout + "```\n"
        #expect(
            documented.contains(block),
            "docs/options.md is not what `flowbatch \(command) --help` prints: run scripts/lib/options-doc"
        )
    }

    @Test("the README links every file of docs/, and every docs/ link in it resolves")
    func readmeLinksTheDocs() throws {
        let readme = try String(
            contentsOfFile: (Repository.root as NSString).appendingPathComponent("README.md"),
            encoding: .utf8
        )
        let files = try FileManager.default.contentsOfDirectory(
            atPath: (Repository.root as NSString).appendingPathComponent("docs")
        )
        .filter { $0.hasSuffix(".md") && !$0.hasSuffix(".head.md") }
        #expect(!files.isEmpty)
        for file in files { #expect(readme.contains("(docs/\(file)"), "README.md does not link docs/\(file)") }
        for match in readme.matches(of: /\(docs\/([A-Za-z0-9_.-]+\.md)/) {
            #expect(files.contains(String(match.1)), "README.md links docs/\(match.1), which does not exist")
        }
    }
}
