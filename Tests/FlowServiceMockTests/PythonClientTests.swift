import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

@Suite("A client written for Adobe's real service", .timeLimit(.minutes(3)))
struct PythonClientTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Resources/adobe_flow_client.py")

    @Test("The stdlib Python client runs unchanged against the mock and all its checks pass")
    func pythonClientPasses() async throws {
        try await MockSession.with(MockSession.configuration { $0.staticToken = nil }) { session in
            let client = try CommandLineTool.start(
                [
                    "python3", Self.script.path,
                    "--ims-url", session.mock.baseURL,
                    "--platform-url", session.mock.baseURL,
                    "--client-id", "flowbatch-demo",
                    "--client-secret", "flowbatch-demo-secret",
                    "--org-id", "DEMO0000000000000000@AdobeOrg",
                    "--sandbox", "dev",
                ],
                inheritEnvironment: true,
                executable: "/usr/bin/env"
            )
            // Waits off the cooperative threads, which the in-process mock needs to answer.
            let result = try await client.wait(timeout: 120)
            let printed = result.stdout
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let checks = printed.split(separator: "\n").filter { $0.hasPrefix("check: ") }
            #expect(checks.count >= 18, "\(printed)")
            for expected in [
                "check: IMS issued an access token",
                "check: filter by name finds exactly it",
                "check: no secret value is shown",
                "check: delete answers 204 with no body",
            ] {
                #expect(checks.contains { $0 == expected }, "missing '\(expected)' in \(printed)")
            }
            #expect(printed.hasSuffix("all checks passed\n"))
            #expect(session.mock.connections(sandbox: "dev").count == 4)
            #expect(session.mock.stats().count("POST /ims/token/v3", status: "200") == 1)
        }
    }
}
