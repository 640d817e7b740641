import FlowServiceMock
import Foundation
import Testing

@Suite("Flow specs, runs, explore, datasets and mapping sets", .timeLimit(.minutes(3)))
struct ChainLookupTests {
    @Test("The flow spec is found by name and by ID, lists the generic REST and Data Lake specs; another ID is 404")
    func flowSpecs() async throws {
        try await MockSession.with { session in
            let byName = try await session.platform(.GET, "/flowSpecs?property=name==RestStorageToAEP").items()
            #expect(byName.count == 1)
            #expect(byName.first?["id"] as? String == MockSession.flowSpecID)
            #expect(byName.first?["sourceConnectionSpecIds"] as? [String] == [MockSession.genericRESTSpecID])
            #expect(byName.first?["targetConnectionSpecIds"] as? [String] == [MockSession.dataLakeSpecID])
            #expect(try await session.platform(.GET, "/flowSpecs?property=name==CRMToAEP").items().isEmpty)
            let byID = try await session.platform(.GET, "/flowSpecs/\(MockSession.flowSpecID)").items()
            #expect(byID.first?["name"] as? String == "RestStorageToAEP")
            try await session.platform(.GET, "/flowSpecs/14518937-270c-4525-bdec-c2ba7cce3860")
                .expectProblem(404, "FLOW-1101-404")
        }
    }

    @Test("The connection spec carries the invented sourceSpec with its required params")
    func sourceSpec() async throws {
        try await MockSession.with { session in
            let spec = try await session.platform(.GET, "/connectionSpecs/\(MockSession.genericRESTSpecID)").items()[0]
            let sourceSpec = try #require((spec["sourceSpec"] as? [String: Any])?["spec"] as? [String: Any])
            #expect(sourceSpec["required"] as? [String] == ["urlParams"])
            let urlParams = try #require((sourceSpec["properties"] as? [String: Any])?["urlParams"] as? [String: Any])
            #expect(urlParams["required"] as? [String] == ["path", "method"])
            #expect(
                ((urlParams["properties"] as? [String: Any])?["method"] as? [String: Any])?["enum"] as? [String]
                    == ["GET", "POST"]
            )
        }
    }

    @Test(
        "A flow gets a run once its start time passes on the mock's clock: success, or failed for a source host in .invalid"
    )
    func runsOnManualClock() async throws {
        let clock = ManualMockClock()
        try await MockSession.with(MockSession.configuration { $0.clock = clock }) { session in
            let start = Int64(session.mock.now.timeIntervalSince1970) + 3_600
            let good = try await session.createChain("good", schedule: ["startTime": start, "frequency": "once"])
            let bad = try await session.createChain(
                "bad",
                host: "https://api.broken.invalid",
                schedule: ["startTime": start, "frequency": "hour", "interval": 1]
            )
            func states(_ flowID: String) async throws -> [String] {
                try await session.platform(.GET, "/runs?property=flowId==\(flowID)").items().compactMap {
                    $0["state"] as? String
                }
            }
            #expect(try await states(good.flow).isEmpty)
            #expect(session.mock.runs().isEmpty)
            clock.advance(by: .seconds(3_600))
            #expect(try await states(good.flow) == ["success"])
            #expect(try await states(bad.flow) == ["failed"])
            clock.advance(by: .seconds(2 * 3_600))
            #expect(try await states(good.flow) == ["success"])
            #expect(try await states(bad.flow) == ["failed", "failed", "failed"])
            let item = try await session.platform(.GET, "/runs?property=flowId==\(good.flow)").items()[0]
            #expect(
                ((item["metrics"] as? [String: Any])?["statusSummary"] as? [String: String])?["status"] == "success"
            )
            #expect(session.mock.runs(flowID: bad.flow).map(\.state) == ["failed", "failed", "failed"])
            let again = try await session.platform(.GET, "/runs?property=flowId==\(good.flow)").items()[0]
            #expect(again["id"] as? String == item["id"] as? String)
            let count = try await session.platform(.GET, "/runs?count=true").object()
            #expect(count["count"] as? Int == 4)
            let failed = try await session.platform(.GET, "/runs?property=state==failed&limit=2")
            #expect(try failed.items().count == 2)
            #expect(((try failed.object()["_links"] as? [String: Any])?["next"]) != nil)
        }
    }

    @Test(
        "Explore previews the source as JSON; an unknown connection, bad base64, missing params or a broken host are errors"
    )
    func explore() async throws {
        try await MockSession.with { session in
            let good = try await session.createID("explore")
            let broken =
                try await session.platform(
                    .POST,
                    "/connections",
                    body: MockSession.basicBody(name: "broken", host: "https://api.down.invalid")
                ).object()["id"] as! String
            let params = Data(#"{"urlParams":{"path":"/v1/customers","method":"GET"}}"#.utf8).base64EncodedString()
            func explore(_ id: String, _ query: String) async throws -> MockAnswer {
                try await session.platform(.GET, "/connections/\(id)/explore?" + query)
            }
            let fixed = "objectType=rest&object=json&fileType=json&preview=true"
            let preview = try await explore(good, fixed + "&sourceParams=" + MockSession.queryValue(params))
            #expect(preview.status == 200, "\(preview.text)")
            let body = try preview.object()
            #expect(body["format"] as? String == "flat")
            #expect((body["data"] as? [[String: Any]])?.first?["path"] as? String == "/v1/customers")
            try await explore("no-such-id", fixed + "&sourceParams=\(params)").expectProblem(404, "FLOW-1101-404")
            try await explore(good, fixed).expectProblem(400, "FLOW-2119-400")
            try await explore(good, "sourceParams=\(params)").expectProblem(400, "FLOW-2119-400")
            try await explore(good, fixed + "&sourceParams=not-base64!").expectProblem(400, "FLOW-1453-400")
            let empty = Data("{}".utf8).base64EncodedString()
            try await explore(good, fixed + "&sourceParams=\(empty)").expectProblem(400, "MOCK-4011-400")
            try await explore(broken, fixed + "&sourceParams=\(params)").expectProblem(400, "MOCK-4014-400")
            #expect(session.mock.stats().count("GET /connections/{id}/explore", status: "200") == 1)
        }
    }

    @Test("Catalog answers the configured datasets with their schemaRef, Data Prep the mapping sets; others are 404")
    func datasetsAndMappingSets() async throws {
        let dataset = MockDataset(id: "5ed18e0f4f90b719196f44a9", schemaID: "https://ns.adobe.com/acme/schemas/abc")
        let configuration = MockSession.configuration {
            $0.datasets = [dataset, MockDataset(id: "second")]
            $0.mappingSets = [MockMappingSet(id: "97051e9e86184c7d88d6bf8104ad7765", version: 2)]
        }
        try await MockSession.with(configuration) { session in
            let answer = try await session.send(
                .GET,
                "/data/foundation/catalog/dataSets/\(dataset.id)",
                headers: MockSession.platformHeaders()
            )
            #expect(answer.status == 200)
            let entry = try #require(try answer.object()[dataset.id] as? [String: Any])
            #expect(
                entry["schemaRef"] as? [String: String]
                    == ["id": dataset.schemaID, "contentType": MockSession.xdmVersion]
            )
            let second = try await session.send(
                .GET,
                "/data/foundation/catalog/dataSets/second",
                headers: MockSession.platformHeaders()
            )
            #expect(
                ((try second.object()["second"] as? [String: Any])?["schemaRef"] as? [String: String])?["id"]
                    == "https://ns.adobe.com/flowbatch/schemas/second"
            )
            let missing = try await session.send(
                .GET,
                "/data/foundation/catalog/dataSets/\(MockDataset.demo.id)",
                headers: MockSession.platformHeaders()
            )
            missing.expectProblem(404, "MOCK-4040-404")
            let mapping = try await session.send(
                .GET,
                "/data/foundation/conversion/mappingSets/97051e9e86184c7d88d6bf8104ad7765",
                headers: MockSession.platformHeaders()
            )
            #expect(try mapping.object()["version"] as? Int == 2)
            #expect(try mapping.object()["id"] as? String == "97051e9e86184c7d88d6bf8104ad7765")
            try await session.send(
                .GET,
                "/data/foundation/conversion/mappingSets/nope",
                headers: MockSession.platformHeaders()
            )
            .expectProblem(404, "MOCK-4041-404")
            let noToken = MockSession.platformHeaders().filter { $0.0 != "Authorization" }
            #expect(
                try await session.send(.GET, "/data/foundation/catalog/dataSets/second", headers: noToken).status == 403
            )
            let stats = session.mock.stats()
            #expect(stats.count("GET /catalog/dataSets/{id}", status: "200") == 2)
            #expect(stats.count("GET /conversion/mappingSets/{id}", status: "404") == 1)
        }
    }

    @Test("/__mock/stats counts the new kinds")
    func statsCountKinds() async throws {
        try await MockSession.with { session in
            _ = try await session.createChain("counted")
            let stats = try await session.send(.GET, "/__mock/stats", headers: []).object()
            #expect(stats["sourceConnections"] as? Int == 1)
            #expect(stats["targetConnections"] as? Int == 1)
            #expect(stats["flows"] as? Int == 1)
            #expect(stats["connections"] as? Int == 1)
            #expect(((stats["requests"] as? [String: Any])?["POST /flows"] as? [String: Int]) == ["201": 1])
        }
    }
}
