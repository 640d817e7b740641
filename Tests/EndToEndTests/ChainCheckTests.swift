import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// `flowbatch check --through source|flow`, as the built binary against the mock: what the dataflow
/// chain is built from, read before any write.
@Suite("flowbatch check of the dataflow chain", .serialized, .timeLimit(.minutes(10)))
struct ChainCheckTests {
    func check(_ harness: MockHarness, _ arguments: [String]) async throws -> ToolResult {
        try await CommandLineTool.run(
            ["check"] + arguments + ["--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL],
            environment: harness.environment
        )
    }

    @Test("check --through flow prints the source params, the flow spec, the dataset and the mapping set, and exits 0")
    func checkPasses() async throws {
        try await MockHarness.with { harness in
            let result = try await check(
                harness,
                ["--through", "flow", "--dataset", MockDataset.demo.id, "--mapping-set", MockMappingSet.demo.id]
            )
            #expect(result.status == 0, "\(result.allOutput)")
            let out = result.stdout
            #expect(out.contains("source params (the connection spec's sourceSpec"), "\(out)")
            #expect(out.contains("  urlParams.method: string, one of GET, POST, required"), "\(out)")
            #expect(out.contains("  urlParams.path: string, required"), "\(out)")
            #expect(out.contains("  contentType: string, one of application/json, application/x-ndjson, optional"))
            #expect(
                out.contains(
                    "flow spec 'RestStorageToAEP' 6499120c-0b15-42dc-936e-847ea3c24d72 (found by name): joins generic"
                        + " REST (4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62) to the Data Lake"
                ),
                "\(out)"
            )
            #expect(
                out.contains(
                    "dataset \(MockDataset.demo.id) '\(MockDataset.demo.name)' (sandbox prod): schema \(MockDataset.demo.schemaID)"
                ),
                "\(out)"
            )
            #expect(out.contains("mapping set \(MockMappingSet.demo.id): version 0"), "\(out)")
            #expect(out.contains("check passed"))
            #expect(!result.allOutput.contains(MockHarness.clientSecret))
            // Reads only.
            let posts = harness.mock.stats().requests.filter {
                $0.key.hasPrefix("POST /") && $0.key != "POST /ims/token/v3"
            }
            #expect(posts.isEmpty, "\(posts)")
        }
    }

    @Test("a dataset that does not exist exits 64 naming it and --dataset; a wrong --flow-spec too")
    func missingDataset() async throws {
        try await MockHarness.with { harness in
            let missing = try await check(
                harness,
                ["--through", "flow", "--dataset", MockDataset.demo.id, "--dataset", "0000nosuchdataset"]
            )
            #expect(missing.status == 64, "\(missing.allOutput)")
            #expect(
                missing.stdout.contains(
                    "chain: FAILED: dataset 0000nosuchdataset (from --dataset) does not exist in Catalog"
                ),
                "\(missing.stdout)"
            )
            #expect(!missing.stdout.contains("check passed"))
            let flowSpec = try await check(
                harness,
                ["--through", "flow", "--dataset", MockDataset.demo.id, "--flow-spec", "14518937-nosuch"]
            )
            #expect(flowSpec.status == 64, "\(flowSpec.allOutput)")
            #expect(flowSpec.stdout.contains("flow spec 14518937-nosuch (from --flow-spec) does not exist"))
        }
    }

    @Test("check --through source lists the source params only; chain options without --through flow are refused")
    func sourceOnly() async throws {
        try await MockHarness.with { harness in
            let source = try await check(harness, ["--through", "source"])
            #expect(source.status == 0, "\(source.allOutput)")
            #expect(source.stdout.contains("urlParams.path: string, required"))
            #expect(!source.stdout.contains("flow spec"))
            let refused = try await check(harness, ["--through", "source", "--dataset", "x"])
            #expect(refused.status == 64, "\(refused.allOutput)")
            #expect(refused.stderr.contains("--dataset is for a flow: add --through flow"), "\(refused.stderr)")
            let wrong = try await check(harness, ["--through", "target"])
            #expect(wrong.status == 64)
            #expect(wrong.stderr.contains("--through must be connection, source or flow (got 'target')"))
            let plain = try await check(harness, [])
            #expect(plain.status == 0 && !plain.stdout.contains("source params"), "\(plain.allOutput)")
        }
    }
}
