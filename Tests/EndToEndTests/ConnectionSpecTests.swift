import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// The auth spec names come from the service's connection spec, so no OAuth row fails on a guess.
@Suite("the connection spec, read from the service by the built binary", .serialized, .timeLimit(.minutes(5)))
struct ConnectionSpecTests {
    @Test(
        "OAuth rows are created with no option, whichever spelling the service's spec lists",
        arguments: [nil, "oAuth2RefreshCode", "OAuth2 Refresh Code"] as [String?]
    )
    func oauthNameFromTheSpec(name: String?) async throws {
        try await MockHarness.with({ $0.oauthSpecName = name }) { harness in
            let input = try harness.writeInput(rows: 6)
            let result = try await harness.run(input)
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(!result.stderr.contains("connection spec could not be read"), "\(result.stderr)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 6)
            #expect(harness.mock.stats().count("POST /connections", status: "400") == 0)
        }
    }

    @Test("a dry run with credentials shows the spelling the service lists in each OAuth body")
    func dryRunShowsTheServicesName() async throws {
        try await MockHarness.with({ $0.oauthSpecName = "oAuth2RefreshCode" }) { harness in
            let input = try harness.writeInput(rows: 2)
            let result = try await harness.run(input, ["--dry-run"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(result.stdout.contains(#""specName":"oAuth2RefreshCode""#), "\(result.stdout)")
        }
    }

    @Test(
        "--oauth-spec-name naming a spelling the service does not accept stops the run after one refusal, not row by row"
    )
    func wrongOverrideIsARunError() async throws {
        try await MockHarness.with({ $0.oauthSpecName = "oAuth2RefreshCode" }) { harness in
            let input = try harness.writeInput(rows: 40)
            let result = try await harness.run(
                input,
                ["--oauth-spec-name", "OAuth2 Refresh Code", "--concurrency", "1"]
            )
            #expect(result.status == 2, "\(result.allOutput)")
            #expect(result.stderr.contains("is not among the auth specs the service lists"), "\(result.stderr)")
            #expect(result.allOutput.contains("FLOW-1415-400"), "\(result.allOutput)")
            let rows = try harness.results(harness.directory.file("in.results.csv"))
            #expect(rows.filter { $0["status"] == "failed" }.count <= 1, "\(rows.map { $0["status"]! })")
            #expect(rows.filter { $0["status"] == "not-run" }.count >= 38)
        }
    }
}
