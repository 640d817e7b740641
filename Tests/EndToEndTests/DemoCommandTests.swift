import FlowBatchTestSupport
import Foundation
import Testing

@Suite("flowbatch demo, run as a built binary", .timeLimit(.minutes(5)))
struct DemoCommandTests {
    @Test("the demo runs the bundled sample, byte for byte samples/mixed.csv, and creates every row once")
    func demoRunsTheSample() async throws {
        let directory = try TemporaryDirectory()
        let result = try await CommandLineTool.run(
            ["demo", "--progress", "none"],
            environment: ["XDG_CONFIG_HOME": directory.file("config")],
            directory: directory.path,
            timeout: 180
        )
        #expect(result.status == 0, "\(result.allOutput)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasPrefix("flowbatch-demo-")
        }
        let folder = try #require(folders.first.map(directory.file))
        let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/mixed.csv"))
        let sample = try Data(contentsOf: URL(fileURLWithPath: Repository.sample("mixed.csv")))
        #expect(written == sample, "the demo's embedded input differs from samples/mixed.csv")
        let results = SimpleCSV.records(try String(contentsOfFile: folder + "/mixed.results.csv", encoding: .utf8))
        #expect(results.count == 40)
        #expect(results.allSatisfy { $0["status"] == "created" })
        #expect(result.stdout.contains("no duplicate names"), "\(result.stdout)")
    }
}
