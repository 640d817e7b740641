import AsyncHTTPClient
import FlowServiceMock
import Foundation
import NIOCore
import NIOHTTP1

/// Direct HTTP calls to the mock, for setting up test scenes the way another client would.
enum MockClient {
    static func token(_ mock: RunningMock, secret: String) async throws -> String {
        var request = HTTPClientRequest(url: mock.baseURL + "/ims/token/v3")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(
            ByteBuffer(
                string:
                    "grant_type=client_credentials&client_id=\(mock.configuration.clientID)&client_secret=\(secret)&scope=openid"
            )
        )
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return json?["access_token"] as? String ?? ""
    }

    /// How many connections the mock at `baseURL` holds (`GET /__mock/stats`), for a mock another process runs.
    static func connections(at baseURL: String) async throws -> Int {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: baseURL + "/__mock/stats"),
            timeout: .seconds(10)
        )
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return json?["connections"] as? Int ?? 0
    }

    static func delete(_ mock: RunningMock, id: String, token: String, sandbox: String = "prod") async throws -> Int {
        var request = HTTPClientRequest(url: mock.flowServiceURL + "/connections/\(id)")
        request.method = .DELETE
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "x-api-key", value: mock.configuration.clientID)
        request.headers.add(name: "x-gw-ims-org-id", value: mock.configuration.orgID)
        request.headers.add(name: "x-sandbox-name", value: sandbox)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return Int(response.status.code)
    }
}
