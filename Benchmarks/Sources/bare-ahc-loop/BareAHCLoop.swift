import AsyncHTTPClient
import FlowServiceAPI
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The floor AsyncHTTPClient allows for flowbatch's creates: every body of a bodies file POSTed to
/// `ENDPOINT/connections`, N in flight, each answer read whole, nothing else (no journal, no retry,
/// no JSON beyond the status). Its client is configured as flowbatch's `HTTPTransport` is for a
/// run, on the same event loops (`EventLoops.group`: one per core the process may use), and its
/// headers are those `FlowServiceClient` sends, so the difference between the two is
/// what flowbatch itself costs.
///
/// The command line and output are those of scripts/lib/peers/aiohttp_post.py, so scripts/bench
/// can run either: `bare-ahc-loop ENDPOINT BODIES N [--futures]`; credentials from
/// `AEP_ACCESS_TOKEN`, `AEP_API_KEY` and `AEP_ORG_ID`; on stdout one `status count` line per
/// answer status (or error type), sorted as text; exit 0 when every answer is 201, 1 otherwise,
/// 64 for a usage error. `--futures` drives the same requests through `execute(request:)` and its
/// `EventLoopFuture` instead of async/await, to show what the async API itself costs. An
/// `https://` endpoint is verified against `SSL_CERT_FILE` when it is set (it replaces the system
/// trust store, as it does for flowbatch, OpenSSL and curl): scripts/bench's TLS rows.
@main
struct BareAHCLoop {
    static let usage = "usage: bare-ahc-loop ENDPOINT BODIES N [--futures]"

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let futures = arguments.contains("--futures")
        arguments.removeAll { $0 == "--futures" }
        guard arguments.count == 3, let limit = Int(arguments[2]), limit > 0 else { fail(usage) }
        let environment = ProcessInfo.processInfo.environment
        var credentials: [String] = []
        for name in ["AEP_ACCESS_TOKEN", "AEP_API_KEY", "AEP_ORG_ID"] {
            guard let value = environment[name], !value.isEmpty else { fail("bare-ahc-loop: \(name) is not set") }
            credentials.append(value)
        }
        let posts: [BodiesFile.Post]
        do {
            posts = try BodiesFile(path: arguments[1]).posts
        } catch {
            fail("bare-ahc-loop: \(error)")
        }
        var endpoint = arguments[0]
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        let headers = Headers(token: credentials[0], apiKey: credentials[1], orgID: credentials[2])

        var configuration = HTTPClient.Configuration.flowbatch(limit)
        if let trusted = environment["SSL_CERT_FILE"], !trusted.isEmpty {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            tls.trustRoots = .file(trusted)
            configuration.tlsConfiguration = tls
        }
        let client = HTTPClient(eventLoopGroup: EventLoops.group, configuration: configuration)
        let loop = Loop(client: client, url: endpoint + "/connections", headers: headers, posts: posts, limit: limit)
        let tally = futures ? await loop.runWithFutures() : await loop.runAsync()
        try? await client.shutdown()

        for (status, count) in tally.sorted(by: { $0.key < $1.key }) {
            print(status, count)
        }
        exit(tally.keys.allSatisfy { $0 == "201" } ? 0 : 1)
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(64)
    }
}

extension HTTPClient.Configuration {
    /// The configuration of flowbatch's `HTTPTransport` for `run --concurrency limit` with the
    /// default `--timeout 30`: its pool holds `limit + 2` connections (the run's creates plus its
    /// look-ups), no redirects, no retried connects, HTTP/1.1, no tracer.
    static func flowbatch(_ limit: Int) -> Self {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: limit + 2
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(31))
        configuration.httpVersion = .http1Only
        configuration.tracing.tracer = nil
        return configuration
    }
}
