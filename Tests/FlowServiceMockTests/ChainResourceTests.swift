import FlowServiceMock
import Foundation
import Testing

@Suite("Source connections, target connections and flows: create, get, list, delete", .timeLimit(.minutes(3)))
struct ChainResourceTests {
    @Test("Each create answers 201 {id, etag} with Location, and a get shows the links as sent")
    func createAndGetEachKind() async throws {
        try await MockSession.with { session in
            let baseID = try await session.createID("acme")
            let source = try await session.platform(
                .POST,
                "/sourceConnections",
                body: MockSession.sourceBody(name: "acme source", baseConnectionID: baseID)
            )
            #expect(source.status == 201)
            let sourceID = try #require(try source.object()["id"] as? String)
            #expect((try source.object()["etag"] as? String)?.hasPrefix("\"") == true)
            #expect(source.header("location") == "/data/foundation/flowservice/sourceConnections/\(sourceID)")
            let targetID = try await session.createID(
                path: "targetConnections",
                body: MockSession.targetBody(name: "acme target")
            )
            let flow = try await session.platform(
                .POST,
                "/flows",
                body: MockSession.flowBody(name: "acme", sourceID: sourceID, targetID: targetID)
            )
            #expect(flow.status == 201)
            let flowID = try #require(try flow.object()["id"] as? String)
            #expect(flow.header("location") == "/data/foundation/flowservice/flows/\(flowID)")

            let gotSource = try await session.platform(.GET, "/sourceConnections/\(sourceID)").items()
            #expect(gotSource.count == 1)
            #expect(gotSource[0]["baseConnectionId"] as? String == baseID)
            #expect(
                (gotSource[0]["params"] as? [String: Any])?["urlParams"] as? [String: String]
                    == ["path": "/v1/customers", "method": "GET"]
            )
            let gotTarget = try await session.platform(.GET, "/targetConnections/\(targetID)").items()
            #expect((gotTarget[0]["params"] as? [String: String])?["dataSetId"] == MockDataset.demo.id)
            let gotFlow = try await session.platform(.GET, "/flows/\(flowID)").items()
            #expect(gotFlow[0]["sourceConnectionIds"] as? [String] == [sourceID])
            #expect(gotFlow[0]["targetConnectionIds"] as? [String] == [targetID])
            #expect(gotFlow[0]["runs"] as? String == "/runs?property=flowId==\(flowID)")
            #expect((gotFlow[0]["scheduleParams"] as? [String: Any])?["frequency"] as? String == "once")

            #expect(session.mock.sourceConnections(sandbox: "prod").map(\.baseConnectionID) == [baseID])
            #expect(session.mock.targetConnections(sandbox: nil).map(\.datasetID) == [MockDataset.demo.id])
            let flows = session.mock.flows(sandbox: "prod")
            #expect(flows.map(\.sourceConnectionIDs) == [[sourceID]])
            #expect(flows.first?.mappingID == MockMappingSet.demo.id)
            #expect(try await session.platform(.GET, "/flows/\(sourceID)").status == 404)
            #expect(try await session.platform(.GET, "/flows/\(flowID)", sandbox: "dev").status == 404)
        }
    }

    @Test(
        "The documented filters find what a chain made: source by baseConnectionId, flow by source or target, target by name and dataset"
    )
    func documentedFilters() async throws {
        try await MockSession.with { session in
            let first = try await session.createChain("first")
            let second = try await session.createChain("second")
            func ids(_ path: String, _ property: String) async throws -> [String] {
                let query = "?property=" + MockSession.queryValue(property)
                return try await session.platform(.GET, path + query).items().compactMap { $0["id"] as? String }
            }
            #expect(try await ids("/sourceConnections", "baseConnectionId==\(first.base)") == [first.source])
            #expect(try await ids("/flows", "sourceConnectionIds==\(second.source)") == [second.flow])
            #expect(try await ids("/flows", "sourceConnectionIds[]==\(first.source)") == [first.flow])
            #expect(try await ids("/flows", "targetConnectionIds==\(second.target),\(first.target)").count == 2)
            #expect(try await ids("/targetConnections", "name==second target") == [second.target])
            #expect(
                try await ids("/targetConnections", "connectionSpec.id==\(MockSession.dataLakeSpecID)")
                    == [first.target, second.target]
            )
            #expect(try await ids("/targetConnections", "params.dataSetId==\(MockDataset.demo.id)").count == 2)
            #expect(try await ids("/flows", "name!=first") == [second.flow])
            let unknown = try await session.platform(.GET, "/flows?property=owner==me")
            unknown.expectProblem(400, "FLOW-1449-400")
        }
    }

    @Test("Listings page with limit and continuation tokens, and count; a token of another kind is refused")
    func paging() async throws {
        try await MockSession.with { session in
            let baseID = try await session.createID("pages")
            var created: [String] = []
            for index in 0..<5 {
                created.append(
                    try await session.createID(
                        path: "sourceConnections",
                        body: MockSession.sourceBody(name: "page \(index)", baseConnectionID: baseID)
                    )
                )
            }
            var seen: [String] = []
            var path = "/sourceConnections?limit=2"
            var pages = 0
            while true {
                let answer = try await session.platform(.GET, path)
                #expect(answer.status == 200)
                seen += try answer.items().compactMap { $0["id"] as? String }
                pages += 1
                let links = try answer.object()["_links"] as? [String: Any]
                guard let next = (links?["next"] as? [String: String])?["href"] else { break }
                path = next
            }
            #expect(pages == 3)
            #expect(seen == created)
            let count = try await session.platform(.GET, "/sourceConnections?count=true").object()
            #expect(count["count"] as? Int == 5)
            let first = try await session.platform(.GET, "/sourceConnections?limit=2").object()
            let next = try #require(((first["_links"] as? [String: Any])?["next"] as? [String: String])?["href"])
            let token = try #require(next.split(separator: "=", maxSplits: 1).last)
            let elsewhere = try await session.platform(.GET, "/flows?continuationToken=\(token)")
            elsewhere.expectProblem(400, "MOCK-4006-400")
        }
    }

    @Test(
        "Deletes go in reverse: a base connection a source uses is FLOW-1418-400, a source or target a flow uses FLOW-1447-400"
    )
    func deleteOrder() async throws {
        try await MockSession.with { session in
            let chain = try await session.createChain("undo")
            try await session.platform(.DELETE, "/connections/\(chain.base)").expectProblem(400, "FLOW-1418-400")
            try await session.platform(.DELETE, "/sourceConnections/\(chain.source)").expectProblem(
                400,
                "FLOW-1447-400"
            )
            try await session.platform(.DELETE, "/targetConnections/\(chain.target)").expectProblem(
                400,
                "FLOW-1447-400"
            )
            #expect(try await session.platform(.DELETE, "/flows/\(chain.flow)").status == 204)
            #expect(try await session.platform(.DELETE, "/flows/\(chain.flow)").status == 404)
            #expect(try await session.platform(.DELETE, "/targetConnections/\(chain.target)").status == 204)
            try await session.platform(.DELETE, "/connections/\(chain.base)").expectProblem(400, "FLOW-1418-400")
            #expect(try await session.platform(.DELETE, "/sourceConnections/\(chain.source)").status == 204)
            #expect(try await session.platform(.DELETE, "/connections/\(chain.base)").status == 204)
            let stats = session.mock.stats()
            let counts: [Int] = [stats.connections, stats.sourceConnections, stats.targetConnections, stats.flows]
            #expect(counts == [0, 0, 0, 0])
            #expect(stats.count("DELETE /connections/{id}", status: "400") == 2)
            #expect(stats.count("DELETE /flows/{id}", status: "204") == 1)
        }
    }
}
