import AsyncHTTPClient
import FlowServiceMock
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A running mock and a client that speaks to it the way a Platform client does.
struct MockSession: Sendable {
    /// The HTTP methods the tests send.
    enum Method: String, Sendable {
        case GET
        case POST
        case DELETE
        case PATCH
    }

    static let staticToken = "static-test-token"
    static let genericRESTSpecID = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
    static let silentLogger = Logger(label: "flowbatch.mock.tests") { _ in SwiftLogNoOpLogHandler() }

    let mock: RunningMock

    /// A configuration for tests: a free port and a static token, then `change` applied.
    static func configuration(_ change: (inout MockConfiguration) -> Void = { _ in }) -> MockConfiguration {
        var configuration = MockConfiguration()
        configuration.port = 0
        configuration.staticToken = Self.staticToken
        change(&configuration)
        return configuration
    }

    /// Runs `body` against a mock started with `configuration`, stopping it afterwards.
    static func with<T: Sendable>(
        _ configuration: MockConfiguration = Self.configuration(),
        _ body: (MockSession) async throws -> T
    ) async throws -> T {
        try await FlowServiceMock.withRunning(configuration, logger: Self.silentLogger) { mock in
            try await body(MockSession(mock: mock))
        }
    }

    /// The headers every Platform call carries, for `sandbox`.
    static func platformHeaders(sandbox: String = "prod", token: String = Self.staticToken) -> [(String, String)] {
        [
            ("Authorization", "Bearer \(token)"),
            ("x-api-key", "flowbatch-demo"),
            ("x-gw-ims-org-id", "DEMO0000000000000000@AdobeOrg"),
            ("x-sandbox-name", sandbox),
        ]
    }

    /// Sends a request to `path` below the base URL (e.g. `/ims/token/v3`).
    func send(
        _ method: Method,
        _ path: String,
        headers: [(String, String)],
        body: String? = nil,
        maximumBodyBytes: Int = 1 << 20
    ) async throws -> MockAnswer {
        try await Self.send(
            method,
            url: self.mock.baseURL + path,
            headers: headers,
            body: body,
            maximumBodyBytes: maximumBodyBytes
        )
    }

    /// Sends a request to `url` with `client`, waiting at most `timeout` for the whole answer.
    static func send(
        _ method: Method,
        url: String,
        headers: [(String, String)],
        body: String? = nil,
        client: HTTPClient = .shared,
        timeout: Duration = .seconds(30),
        maximumBodyBytes: Int = 1 << 20
    ) async throws -> MockAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers = HTTPHeaders(headers)
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
        }
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(timeout))
        let response = try await client.execute(request, deadline: deadline)
        let collected = try await response.body.collect(upTo: maximumBodyBytes)
        return MockAnswer(status: Int(response.status.code), headers: response.headers, body: collected)
    }

    /// Sends a Platform call to `path` below `/data/foundation/flowservice`.
    func platform(
        _ method: Method,
        _ path: String,
        sandbox: String = "prod",
        headers: [(String, String)]? = nil,
        body: String? = nil,
        maximumBodyBytes: Int = 1 << 20
    ) async throws -> MockAnswer {
        var allHeaders = headers ?? Self.platformHeaders(sandbox: sandbox)
        if body != nil, headers == nil {
            allHeaders.append(("Content-Type", "application/json"))
        }
        return try await self.send(
            method,
            "/data/foundation/flowservice" + path,
            headers: allHeaders,
            body: body,
            maximumBodyBytes: maximumBodyBytes
        )
    }

    /// Creates a Basic Authentication connection named `name`; returns the answer.
    @discardableResult
    func create(_ name: String, sandbox: String = "prod", password: String = "p4ssw0rd") async throws -> MockAnswer {
        try await self.platform(
            .POST,
            "/connections",
            sandbox: sandbox,
            body: Self.basicBody(name: name, password: password)
        )
    }

    /// Creates a connection and returns its ID; throws unless the answer is 201 with an `id`.
    func createID(_ name: String, sandbox: String = "prod") async throws -> String {
        let answer = try await self.create(name, sandbox: sandbox)
        guard answer.status == 201, let id = try answer.object()["id"] as? String else {
            throw TestFailure("create '\(name)' answered \(answer.status): \(answer.text)")
        }
        return id
    }

    static func basicBody(
        name: String,
        password: String = "p4ssw0rd",
        host: String = "https://api.acme.example"
    )
        -> String
    {
        Self.json([
            "name": name,
            "description": "made by a test",
            "auth": [
                "specName": "Basic Authentication",
                "params": ["host": host, "username": "svc-user", "password": password],
            ],
            "connectionSpec": ["id": Self.genericRESTSpecID, "version": "1.0"],
        ])
    }

    static func oauthBody(name: String, specName: String, params: [String: String]) -> String {
        Self.json([
            "name": name,
            "auth": ["specName": specName, "params": params],
            "connectionSpec": ["id": Self.genericRESTSpecID, "version": "1.0"],
        ])
    }

    static func json(_ value: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A client of its own (shut it down after use), with `connectionsPerHost` connections, an
    /// optional timeout for each read of the answer, and `connectionWait` as the longest a request
    /// waits for a connection of the pool (AsyncHTTPClient's connect timeout, 10 s by default, which
    /// a thousand queued requests on a loaded machine can exceed).
    static func makeClient(
        connectionsPerHost: Int = 8,
        readTimeout: Duration? = nil,
        connectionWait: Duration? = nil
    ) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        if let connectionWait {
            configuration.timeout.connect = .nanoseconds(Self.nanoseconds(connectionWait))
        }
        if let readTimeout {
            configuration.timeout.read = .nanoseconds(Self.nanoseconds(readTimeout))
        }
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// `text` percent-encoded for a query value (spaces as `%20`, `=`, `&`, `,` and `+` escaped).
    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "=&+,")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }
}
