import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

@Suite(
    "schemathesis fuzz of the mock's routes against Adobe's OpenAPI description",
    .serialized,
    .timeLimit(.minutes(3))
)
struct SchemathesisFuzzTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Resources/schemathesis_fuzz.sh")

    @Test("No 5xx with faults off, and every documented answer's content type and body conform")
    func fuzz() async throws {
        try await MockSession.with { session in
            // Something for the retrieve and delete operations to find besides random IDs.
            _ = try await session.createChain("fuzzed")
            let run = try CommandLineTool.start(
                ["bash", Self.script.path, session.mock.baseURL, MockSession.staticToken, "15", "60"],
                inheritEnvironment: true,
                executable: "/usr/bin/env"
            )
            let result = try await run.wait(timeout: 150)
            #expect(
                result.status == 0,
                "stdout: \(result.stdout.suffix(6_000))\nstderr: \(result.stderr.suffix(2_000))"
            )
            #expect(
                session.mock.stats().requests.values.allSatisfy { statuses in
                    statuses.keys.allSatisfy { !$0.hasPrefix("5") }
                },
                "\(session.mock.stats().requests)"
            )
        }
    }
}
