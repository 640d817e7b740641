import AsyncHTTPClient
import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `flowbatch test` on the results of a run `--through flow`: each row's flow's latest run and a
/// preview of its source, beside the connection test. The chain is made on the mock directly, as
/// another client would, and the results file is written by hand with the header such a run writes.
@Suite("flowbatch test of rows with flows", .serialized, .timeLimit(.minutes(10)))
struct TestFlowsTests {
    static let header =
        "row,name,sandbox,auth,status,connection_id,etag,source_connection_id,target_connection_id,flow_id,step,"
        + "failed_step,http_status,attempts,error_code,error,request_id,duration_ms,urlParams.path,urlParams.method"

    /// `POST` of `json` at `path` on the mock; the new resource's ID.
    static func post(_ mock: RunningMock, token: String, _ path: String, _ json: String) async throws -> String {
        var request = HTTPClientRequest(url: mock.flowServiceURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "x-api-key", value: mock.configuration.clientID)
        request.headers.add(name: "x-gw-ims-org-id", value: mock.configuration.orgID)
        request.headers.add(name: "x-sandbox-name", value: "prod")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        let id = try #require(object?["id"] as? String, "\(path): \(response.status) \(object ?? [:])")
        return id
    }

    /// A base connection on `host` and its chain into the demo dataset; the results line's IDs.
    static func chain(
        _ mock: RunningMock,
        token: String,
        name: String,
        host: String,
        startTime: Int64
    ) async throws -> (connection: String, source: String, target: String, flow: String) {
        let base = mock.insertConnection(name: name, host: host)
        let source = try await post(
            mock,
            token: token,
            "/sourceConnections",
            """
            {"name": "\(name) source", "baseConnectionId": "\(base.id)",
             "connectionSpec": {"id": "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62", "version": "1.0"},
             "data": {"format": "json"}, "params": {"urlParams": {"path": "/v1/a", "method": "GET"}}}
            """
        )
        let target = try await post(
            mock,
            token: token,
            "/targetConnections",
            """
            {"name": "\(name) target", "connectionSpec": {"id": "c604ff05-7f1a-43c0-8e18-33bf874cb11c", "version": "1.0"},
             "data": {"format": "parquet_xdm", "schema": {"id": "\(MockDataset.demo.schemaID)",
               "version": "application/vnd.adobe.xed-full+json;version=1"}},
             "params": {"dataSetId": "\(MockDataset.demo.id)"}}
            """
        )
        let flow = try await post(
            mock,
            token: token,
            "/flows",
            """
            {"name": "\(name)", "flowSpec": {"id": "6499120c-0b15-42dc-936e-847ea3c24d72", "version": "1.0"},
             "sourceConnectionIds": ["\(source)"], "targetConnectionIds": ["\(target)"],
             "scheduleParams": {"startTime": \(startTime), "frequency": "once"}}
            """
        )
        return (base.id, source, target, flow)
    }

    static func line(
        _ row: Int,
        _ name: String,
        _ ids: (connection: String, source: String, target: String, flow: String)?,
        connectionID: String? = nil,
        path: String,
        method: String
    ) -> String {
        let connection = ids?.connection ?? connectionID ?? ""
        let step = ids == nil ? "connection" : "flow"
        return
            "\(row),\(name),prod,basic,created,\(connection),\"e1\",\(ids?.source ?? ""),\(ids?.target ?? ""),"
            + "\(ids?.flow ?? ""),\(step),,201,1,,,req-\(row),12,\(path),\(method)"
    }

    func test(_ harness: MockHarness, _ results: String) async throws -> ToolResult {
        try await CommandLineTool.run(
            [
                "test", results, "--progress", "none", "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                harness.mock.baseURL,
            ],
            environment: harness.environment
        )
    }

    @Test("each row with a flow gets its latest run and a preview; one without a flow gets empty cells")
    func rowsWithFlows() async throws {
        let clock = ManualMockClock()
        try await MockHarness.with({ $0.clock = clock }) { harness in
            let mock = harness.mock
            let token = try await MockClient.token(mock, secret: MockHarness.clientSecret)
            let now = Int64(mock.now.timeIntervalSince1970)
            let good = try await Self.chain(
                mock,
                token: token,
                name: "Good",
                host: "https://api.example.com",
                startTime: now
            )
            let later = try await Self.chain(
                mock,
                token: token,
                name: "Later",
                host: "https://later.example.com",
                startTime: now + 86_400
            )
            let plain = mock.insertConnection(name: "Plain", host: "https://plain.example.com")
            clock.advance(by: .seconds(5))
            let results = try harness.directory.write(
                "in.results.csv",
                [
                    Self.header,
                    Self.line(2, "Good", good, path: "/v1/a", method: "GET"),
                    Self.line(3, "Later", later, path: "/v1/b", method: "PUT"),
                    Self.line(4, "Plain", nil, connectionID: plain.id, path: "", method: ""),
                ]
                .joined(separator: "\n") + "\n"
            )
            let result = try await test(harness, results)
            // The row whose params break the sourceSpec fails its preview: exit 1, its result still true.
            #expect(result.status == 1, "\(result.allOutput)")
            #expect(result.stdout.contains("tested 3: passed 3, failed 0"), "\(result.stdout)")
            #expect(result.stdout.contains("flows checked 2: fine 1, failed 1"), "\(result.stdout)")
            let rows = SimpleCSV.rows(try harness.directory.read("in.results.test.csv"))
            #expect(
                rows[0] == Self.header.split(separator: ",").map(String.init) + [
                    "result", "test_error", "flow_state", "preview",
                ]
            )
            #expect(Array(rows[1].suffix(4)) == ["true", "", "success", "ok"], "\(rows[1])")
            #expect(
                Array(rows[2].suffix(4)) == [
                    "true", "", "no-run", "not previewed: urlParams.method must be one of GET, POST (got 'PUT')",
                ],
                "\(rows[2])"
            )
            #expect(Array(rows[3].suffix(4)) == ["true", "", "", ""], "\(rows[3])")
            #expect(mock.stats().total("GET /connections/{id}/explore") == 1)
            #expect(!result.allOutput.contains(MockHarness.clientSecret))
        }
    }

    @Test("a source that answers errors: its flow's run failed and the preview gives the service's sentence")
    func failingSource() async throws {
        let clock = ManualMockClock()
        try await MockHarness.with({ $0.clock = clock }) { harness in
            let mock = harness.mock
            let token = try await MockClient.token(mock, secret: MockHarness.clientSecret)
            let now = Int64(mock.now.timeIntervalSince1970)
            let good = try await Self.chain(
                mock,
                token: token,
                name: "Good",
                host: "https://api.example.com",
                startTime: now
            )
            let bad = try await Self.chain(
                mock,
                token: token,
                name: "Bad",
                host: "https://api.example.invalid",
                startTime: now
            )
            clock.advance(by: .seconds(5))
            let results = try harness.directory.write(
                "in.results.csv",
                [
                    Self.header, Self.line(2, "Good", good, path: "/v1/a", method: "GET"),
                    Self.line(3, "Bad", bad, path: "/v1/a", method: "GET"),
                ]
                .joined(separator: "\n") + "\n"
            )
            let result = try await test(harness, results)
            #expect(result.status == 1, "\(result.allOutput)")
            let rows = SimpleCSV.rows(try harness.directory.read("in.results.test.csv"))
            #expect(Array(rows[1].suffix(4)) == ["true", "", "success", "ok"], "\(rows[1])")
            #expect(rows[2].suffix(4).first == "false")
            #expect(rows[2].suffix(2).first == "failed", "\(rows[2])")
            let preview = try #require(rows[2].last)
            #expect(preview.contains("api.example.invalid") && preview.contains("MOCK-4014-400"), "\(preview)")

            // Only the good row: everything fine, exit 0.
            let fine = try harness.directory.write(
                "good.results.csv",
                [Self.header, Self.line(2, "Good", good, path: "/v1/a", method: "GET")].joined(separator: "\n") + "\n"
            )
            let passed = try await test(harness, fine)
            #expect(passed.status == 0, "\(passed.allOutput)")
            #expect(passed.stdout.contains("flows checked 1: fine 1, failed 0"), "\(passed.stdout)")
        }
    }
}
