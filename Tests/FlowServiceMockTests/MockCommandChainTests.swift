import FlowBatchTestSupport
import Foundation
import Testing

@Suite("flowbatch mock --dataset and --mapping-set", .timeLimit(.minutes(3)))
struct MockCommandChainTests {
    @Test("By default it serves one demo dataset and one mapping set and prints their IDs to stderr, not stdout")
    func defaultsArePrinted() async throws {
        let mock = try MockCommandTests.launch(["--port", "0", "--static-token", "cli-token"])
        let line = try await mock.firstLine()
        let match = try #require(line.wholeMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)\n/))
        let answer = try await MockSession.send(
            .GET,
            url: "\(match.1)/data/foundation/catalog/dataSets/6390f5b3e1e7ee1c07d1f3d1",
            headers: MockSession.platformHeaders(token: "cli-token")
        )
        #expect(answer.status == 200)
        mock.send(SIGTERM)
        let ended = try await mock.wait(timeout: 30)
        #expect(ended.stdout == line, "stdout holds only the listening line: \(ended.stdout)")
        let logged = ended.stderr
        #expect(logged.contains("dataset 6390f5b3e1e7ee1c07d1f3d1 schema https://ns.adobe.com/flowbatchdemo/schemas/"))
        #expect(logged.contains("mapping set f0e1d2c3b4a5968778695a4b3c2d1e0f version 0"))
    }

    @Test("--dataset ID[=SCHEMA_ID] and --mapping-set ID are repeatable and replace the demo ones")
    func givenDatasetsAndMappingSets() async throws {
        let mock = try MockCommandTests.launch([
            "--port", "0", "--static-token", "cli-token", "--dataset", "ds1=https://ns.adobe.com/acme/schemas/one",
            "--dataset", "ds2", "--mapping-set", "ms1", "--mapping-set", "ms2",
        ])
        let line = try await mock.firstLine()
        let match = try #require(line.wholeMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)\n/))
        func status(_ path: String) async throws -> MockAnswer {
            try await MockSession.send(
                .GET,
                url: "\(match.1)/data/foundation/\(path)",
                headers: MockSession.platformHeaders(token: "cli-token")
            )
        }
        let one = try await status("catalog/dataSets/ds1").object()["ds1"] as? [String: Any]
        #expect((one?["schemaRef"] as? [String: String])?["id"] == "https://ns.adobe.com/acme/schemas/one")
        #expect(try await status("catalog/dataSets/ds2").status == 200)
        #expect(try await status("catalog/dataSets/6390f5b3e1e7ee1c07d1f3d1").status == 404)
        #expect(try await status("conversion/mappingSets/ms2").status == 200)
        #expect(try await status("conversion/mappingSets/f0e1d2c3b4a5968778695a4b3c2d1e0f").status == 404)
        mock.send(SIGTERM)
        let logged = try await mock.wait(timeout: 30).stderr
        #expect(logged.contains("dataset ds2 schema https://ns.adobe.com/flowbatch/schemas/ds2"))
        #expect(logged.contains("mapping set ms1 version 0"))
    }

    @Test("A dataset without an ID, or given twice, exits 64 naming --dataset")
    func invalidDataset() async throws {
        for arguments in [["--dataset", "=schema"], ["--dataset", "a", "--dataset", "a"], ["--mapping-set", "x/y"]] {
            let ended = try await MockCommandTests.launch(["--port", "0"] + arguments).wait(timeout: 30)
            #expect(ended.status == 64, "\(arguments)")
            let logged = ended.stderr
            #expect(logged.contains(arguments[arguments.count - 2]), "\(logged)")
        }
    }
}
