import FlowServiceMock
import Foundation
import Testing

@Suite("Create bodies of the chain are checked as the chain needs", .timeLimit(.minutes(3)))
struct ChainValidationTests {
    @Test(
        "A source connection needs an existing base connection, the generic REST spec and params the sourceSpec accepts"
    )
    func sourceChecks() async throws {
        try await MockSession.with { session in
            let baseID = try await session.createID("base")
            func post(_ body: String, sandbox: String = "prod") async throws -> MockAnswer {
                try await session.platform(.POST, "/sourceConnections", sandbox: sandbox, body: body)
            }
            try await post(MockSession.sourceBody(name: "s", baseConnectionID: "no-such-base"))
                .expectProblem(400, "MOCK-4010-400")
            try await post(MockSession.sourceBody(name: "s", baseConnectionID: baseID), sandbox: "dev")
                .expectProblem(400, "MOCK-4010-400")
            try await post(MockSession.sourceBody(name: "s", baseConnectionID: baseID, params: [:]))
                .expectProblem(400, "MOCK-4011-400")
            let badMethod = try await post(
                MockSession.sourceBody(
                    name: "s",
                    baseConnectionID: baseID,
                    params: ["urlParams": ["path": "/x", "method": "PUT"]]
                )
            )
            badMethod.expectProblem(400, "MOCK-4011-400")
            #expect(badMethod.text.contains("params.urlParams.method must be one of GET, POST"))
            let wrongSpec = MockSession.sourceBody(name: "s", baseConnectionID: baseID)
                .replacingOccurrences(of: MockSession.genericRESTSpecID, with: MockSession.dataLakeSpecID)
            try await post(wrongSpec).expectProblem(400, "FLOW-1413-400")
            try await post(#"{"baseConnectionId": "x"}"#).expectProblem(400, "MOCK-4005-400")
            #expect(session.mock.sourceConnections(sandbox: nil).isEmpty)
        }
    }

    @Test("A target connection needs the Data Lake spec, a dataset the mock serves and that dataset's schema")
    func targetChecks() async throws {
        try await MockSession.with { session in
            func post(_ body: String) async throws -> MockAnswer {
                try await session.platform(.POST, "/targetConnections", body: body)
            }
            try await post(MockSession.targetBody(name: "t", dataset: MockDataset(id: "unknown")))
                .expectProblem(400, "MOCK-4010-400")
            try await post(MockSession.targetBody(name: "t", schemaID: "https://ns.adobe.com/other"))
                .expectProblem(400, "MOCK-4013-400")
            let wrongSpec = MockSession.targetBody(name: "t")
                .replacingOccurrences(of: MockSession.dataLakeSpecID, with: MockSession.genericRESTSpecID)
            try await post(wrongSpec).expectProblem(400, "FLOW-1413-400")
            #expect(try await post(MockSession.targetBody(name: "t")).status == 201)
        }
    }

    @Test(
        "A flow needs the flow spec, existing source and target connections, a known mapping version and valid scheduleParams"
    )
    func flowChecks() async throws {
        try await MockSession.with { session in
            let chain = try await session.createChain("flow checks")
            func post(_ body: String) async throws -> MockAnswer {
                try await session.platform(.POST, "/flows", body: body)
            }
            func body(_ schedule: [String: Any]) -> String {
                MockSession.flowBody(name: "f", sourceID: chain.source, targetID: chain.target, schedule: schedule)
            }
            try await post(MockSession.flowBody(name: "f", sourceID: "nope", targetID: chain.target))
                .expectProblem(400, "MOCK-4010-400")
            try await post(MockSession.flowBody(name: "f", sourceID: chain.source, targetID: chain.source))
                .expectProblem(400, "MOCK-4010-400")
            try await post(
                MockSession.flowBody(name: "f", sourceID: chain.source, targetID: chain.target, mappingID: "nope")
            ).expectProblem(400, "MOCK-4010-400")
            try await post(
                MockSession.flowBody(name: "f", sourceID: chain.source, targetID: chain.target, mappingVersion: "3")
            ).expectProblem(400, "FLOW-1412-400")
            try await post(
                MockSession.flowBody(name: "f", sourceID: chain.source, targetID: chain.target)
                    .replacingOccurrences(of: MockSession.flowSpecID, with: "14518937-270c-4525-bdec-c2ba7cce3860")
            ).expectProblem(400, "FLOW-1413-400")
            try await post(body(["startTime": 1_700_000_000, "frequency": "minute", "interval": 10]))
                .expectProblem(400, "MOCK-4012-400")
            try await post(body(["startTime": 1_700_000_000, "frequency": "once", "interval": 1]))
                .expectProblem(400, "MOCK-4012-400")
            try await post(body(["startTime": 1_700_000_000_000, "frequency": "once"]))
                .expectProblem(400, "MOCK-4012-400")
            try await post(body(["startTime": 1_700_000_000, "frequency": "fortnight", "interval": 1]))
                .expectProblem(400, "MOCK-4012-400")
            var withState =
                try JSONSerialization.jsonObject(with: Data(body(["startTime": 1, "frequency": "once"]).utf8))
                as! [String: Any]
            withState["state"] = "enabled"
            try await post(MockSession.json(withState)).expectProblem(400, "FLOW-1410-400")
            let periodic = try await post(body(["startTime": 1_700_000_000, "frequency": "minute", "interval": "15"]))
            #expect(periodic.status == 201, "\(periodic.text)")
            let hourly = try await post(body(["startTime": 1_700_000_000, "frequency": "hour", "interval": 2]))
            #expect(hourly.status == 201, "\(hourly.text)")
            let id = try #require(try hourly.object()["id"] as? String)
            let shown = try await session.platform(.GET, "/flows/\(id)").items()[0]["scheduleParams"] as? [String: Any]
            #expect(shown?["interval"] as? String == "2")
            #expect(session.mock.flows(sandbox: "prod").count == 3)
        }
    }
}
