import FlowServiceMock
import Foundation

/// Bodies and creates of the dataflow chain, as a client following `flow-service-api.md` sends them.
extension MockSession {
    static let dataLakeSpecID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
    static let flowSpecID = "6499120c-0b15-42dc-936e-847ea3c24d72"
    static let xdmVersion = "application/vnd.adobe.xed-full+json;version=1"

    static func sourceBody(
        name: String,
        baseConnectionID: String,
        params: [String: Any] = ["urlParams": ["path": "/v1/customers", "method": "GET"]]
    ) -> String {
        Self.json([
            "name": name,
            "baseConnectionId": baseConnectionID,
            "connectionSpec": ["id": Self.genericRESTSpecID, "version": "1.0"],
            "data": ["format": "json"],
            "params": params,
        ])
    }

    static func targetBody(name: String, dataset: MockDataset = .demo, schemaID: String? = nil) -> String {
        Self.json([
            "name": name,
            "connectionSpec": ["id": Self.dataLakeSpecID, "version": "1.0"],
            "data": [
                "format": "parquet_xdm", "schema": ["id": schemaID ?? dataset.schemaID, "version": Self.xdmVersion],
            ],
            "params": ["dataSetId": dataset.id],
        ])
    }

    static func flowBody(
        name: String,
        sourceID: String,
        targetID: String,
        schedule: [String: Any] = ["startTime": 1_700_000_000, "frequency": "once"],
        mappingID: String? = MockMappingSet.demo.id,
        mappingVersion: String = "0"
    ) -> String {
        var body: [String: Any] = [
            "name": name,
            "flowSpec": ["id": Self.flowSpecID, "version": "1.0"],
            "sourceConnectionIds": [sourceID],
            "targetConnectionIds": [targetID],
            "scheduleParams": schedule,
        ]
        if let mappingID {
            body["transformations"] = [
                ["name": "Mapping", "params": ["mappingId": mappingID, "mappingVersion": mappingVersion]]
            ]
        }
        return Self.json(body)
    }

    /// POSTs `body` to `/path` and returns the new ID; throws unless the answer is 201 with an `id`.
    func createID(path: String, body: String, sandbox: String = "prod") async throws -> String {
        let answer = try await self.platform(.POST, "/" + path, sandbox: sandbox, body: body)
        guard answer.status == 201, let id = try answer.object()["id"] as? String else {
            throw TestFailure("POST /\(path) answered \(answer.status): \(answer.text)")
        }
        return id
    }

    /// One whole chain named `name`: base connection (on `host`), source, target and flow; their IDs.
    func createChain(
        _ name: String,
        sandbox: String = "prod",
        host: String = "https://api.acme.example",
        schedule: [String: Any] = ["startTime": 1_700_000_000, "frequency": "once"]
    ) async throws -> (base: String, source: String, target: String, flow: String) {
        let base = try await self.platform(
            .POST,
            "/connections",
            sandbox: sandbox,
            body: Self.basicBody(name: name, host: host)
        )
        guard base.status == 201, let baseID = try base.object()["id"] as? String else {
            throw TestFailure("create '\(name)' answered \(base.status): \(base.text)")
        }
        let source = try await self.createID(
            path: "sourceConnections",
            body: Self.sourceBody(name: "\(name) source", baseConnectionID: baseID),
            sandbox: sandbox
        )
        let target = try await self.createID(
            path: "targetConnections",
            body: Self.targetBody(name: "\(name) target"),
            sandbox: sandbox
        )
        let flow = try await self.createID(
            path: "flows",
            body: Self.flowBody(name: name, sourceID: source, targetID: target, schedule: schedule),
            sandbox: sandbox
        )
        return (baseID, source, target, flow)
    }
}
