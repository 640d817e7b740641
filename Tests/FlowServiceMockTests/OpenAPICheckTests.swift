import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

@Suite("The mock's answers against Adobe's OpenAPI description", .serialized, .timeLimit(.minutes(5)))
struct OpenAPICheckTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Resources/openapi_check.py")

    /// Runs `openapi_check.py` against `mock` (waiting off the cooperative threads, which the
    /// in-process mock needs to answer).
    static func check(_ mock: RunningMock) async throws -> ToolResult {
        let script = try CommandLineTool.start(
            ["python3", Self.script.path, "--url", mock.baseURL],
            inheritEnvironment: true,
            executable: "/usr/bin/env"
        )
        return try await script.wait(timeout: 150)
    }

    @Test("Every sampled answer validates against the response schemas of flow-service.openapi.yaml (openapi-core)")
    func sampledAnswersValidate() async throws {
        try await MockSession.with { session in
            let result = try await Self.check(session.mock)
            #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(!lines.contains { $0.hasPrefix("FAILED") }, "\(result.stdout)")
            let schema = "validates against the OpenAPI description"
            let errorShape = "matches Adobe's documented error shape"
            let outside = "matches the shape Adobe documents outside the OpenAPI file"
            let expected: [(String, String)] = [
                ("the generic REST connection spec: HTTP 200", schema),
                ("create a basic connection: HTTP 201", schema),
                ("create an OAuth 2 refresh-code connection: HTTP 201", schema),
                ("list by name: HTTP 200", schema), ("a page of one: HTTP 200", schema), ("count: HTTP 200", schema),
                ("get by id: HTTP 200", schema), ("test: HTTP 200", schema),
                ("patch the auth params: HTTP 200", schema),
                ("delete: HTTP 204", "documented without a body, and has none"),
                ("list without a token: HTTP 403", errorShape), ("create without a token: HTTP 403", errorShape),
                ("patch with a stale etag: HTTP 412", errorShape), ("patch without If-Match: HTTP 400", errorShape),
                ("create with a text/plain body: HTTP 400", errorShape),
                ("create without a password: HTTP 400", errorShape),
                ("an unknown connection spec: HTTP 404", errorShape),
                ("the flow spec by name: HTTP 200", schema), ("the flow spec by id: HTTP 200", schema),
                ("create a source connection: HTTP 201", schema), ("create a target connection: HTTP 201", schema),
                ("create a flow: HTTP 201", schema), ("get the source connection: HTTP 200", schema),
                ("get the target connection: HTTP 200", schema), ("get the flow: HTTP 200", schema),
                ("source connections by base connection: HTTP 200", schema),
                ("target connections by name: HTTP 200", schema), ("flows by source connection: HTTP 200", schema),
                ("a page of one flow: HTTP 200", schema), ("the flow's runs: HTTP 200", schema),
                ("explore a preview: HTTP 200", outside), ("the default dataset: HTTP 200", outside),
                ("the default mapping set: HTTP 200", outside),
                ("explore without sourceParams: HTTP 400", errorShape),
                ("a source connection without params: HTTP 400", errorShape),
                ("an unknown dataset: HTTP 404", errorShape),
                ("delete a base connection still used: HTTP 400", errorShape),
                ("delete a source connection a flow uses: HTTP 400", errorShape),
                ("delete the flow: HTTP 204", "documented without a body, and has none"),
                ("delete the chain's base connection: HTTP 204", "documented without a body, and has none"),
            ]
            for (prefix, check) in expected {
                #expect(
                    lines.contains { $0.hasPrefix("ok: \(prefix) ") && $0.hasSuffix(check) },
                    "missing 'ok: \(prefix) ... \(check)' in \(result.stdout)"
                )
            }
            #expect(result.stdout.hasSuffix("all answers validated\n"))
            #expect(session.mock.stats().count("PATCH /connections/{id}", status: "412") == 1)
        }
    }

    @Test("The check fails when an answer does not match the description (a 201 in text/plain)")
    func mismatchFails() async throws {
        let configuration = MockSession.configuration { $0.faults.answerFaults = [.wrongContentType: 1] }
        try await MockSession.with(configuration) { session in
            let result = try await Self.check(session.mock)
            #expect(result.status == 1, "\(result.stdout)")
            #expect(result.stdout.contains("FAILED: create a basic connection: HTTP 201"), "\(result.stdout)")
            #expect(result.stdout.contains("answers did not validate"))
        }
    }
}
