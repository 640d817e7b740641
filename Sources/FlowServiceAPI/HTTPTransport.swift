import AsyncHTTPClient
import FlowBatchModel
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one HTTP client of a run: its connection pool sized to the concurrency, no redirects
/// followed, certificates always verified, and a hard deadline on every exchange.
public final class HTTPTransport: Sendable {
    /// The client for hosts reached directly; requests through a proxy use one client per proxy,
    /// since AsyncHTTPClient's proxy is the client's (each pool is sized alike, per host).
    let client: HTTPClient
    /// The longest one request and its answer may take.
    let timeout: Duration
    /// The most bytes of an answer that are read.
    let maxBodyBytes: Int
    private let logger: Logger
    private let network: NetworkSettings
    private let configuration: HTTPClient.Configuration
    /// The client for each origin (`scheme://authority`) seen, chosen once per origin.
    private let clients = Mutex<[String: HTTPClient]>([:])
    private let proxied = Mutex<[ProxyEnvironment.Proxy: HTTPClient]>([:])
    /// Cancels each exchange that outlives its deadline.
    private let deadlines: DeadlineWatch

    /// Creates the client; `connections` is the most requests in flight (the pool's size), and
    /// `network` says which hosts go through which proxy and which certificate authorities are trusted.
    public init(
        connections: Int,
        timeout: Duration,
        maxBodyBytes: Int = 1 << 20,
        network: NetworkSettings = NetworkSettings(),
        logger: Logger
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections)
        )
        // The retry policy is flowbatch's: the pool must not retry failed connections on its own
        // until the timeout (an untrusted certificate would then take 30 s to report).
        configuration.connectionPool.retryConnectionEstablishment = false
        let seconds = Int64(timeout.components.seconds) + 1
        configuration.timeout = .init(connect: .seconds(min(seconds, 30)), read: .seconds(seconds))
        // HTTP/1.1, measured against HTTP/2 over TLS (`scripts/bench http2`, 2026-12-08, release, pinned,
        // the mock's --http2): HTTP/2 cost 1.36× the client CPU a row at 0 ms (0.286 against 0.210 ms),
        // and at 20 ms reached 0.597 of N / latency against 0.685 at N=64, 0.186 against 0.246 at N=256.
        // One connection's streams save handshakes, but every frame of every request then goes through
        // one channel and NIO's HTTP/2 multiplexer; N HTTP/1.1 connections are cheaper here. The bench's
        // FLOWBATCH_BENCH_HTTP2=1 lets it be negotiated, to measure it again.
        configuration.httpVersion = network.allowsHTTP2 ? .automatic : .http1Only
        configuration.tlsConfiguration = network.tlsConfiguration
        // No tracer: with none configured, building span attributes is pure cost per request.
        configuration.tracing.tracer = nil
        client = HTTPClient(
            eventLoopGroup: EventLoops.group,
            configuration: configuration,
            backgroundActivityLogger: logger
        )
        deadlines = DeadlineWatch(eventLoop: client.eventLoopGroup.next(), timeout: timeout)
        self.configuration = configuration
        self.network = network
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    /// Closes every connection; call once at the end of the run.
    public func shutdown() async {
        deadlines.stop()
        try? await client.shutdown()
        for client in proxied.withLock({ Array($0.values) }) {
            try? await client.shutdown()
        }
    }

    /// The client for `url`: the direct one, or the one of the proxy its host goes through.
    private func client(for url: String) -> HTTPClient {
        guard network.proxies.https != nil || network.proxies.http != nil else { return client }
        let schemeEnd = url.firstRange(of: "://")?.upperBound ?? url.startIndex
        let origin = String(
            url[..<(url[schemeEnd...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex)]
        )
        if let known = clients.withLock({ $0[origin] }) { return known }
        let chosen: HTTPClient
        if let proxy = network.proxies.proxy(for: url) {
            chosen = proxied.withLock { proxied in
                if let existing = proxied[proxy] { return existing }
                var configuration = self.configuration
                configuration.proxy = .server(
                    host: proxy.host,
                    port: proxy.port,
                    authorization: proxy.username.map { .basic(username: $0, password: proxy.password?.revealed ?? "") }
                )
                let made = HTTPClient(
                    eventLoopGroup: EventLoops.group,
                    configuration: configuration,
                    backgroundActivityLogger: logger
                )
                proxied[proxy] = made
                return made
            }
        } else {
            chosen = client
        }
        clients.withLock { $0[origin] = chosen }
        return chosen
    }

    /// Sends one request and reads the whole answer, within ``timeout``; throws when no complete
    /// answer came (``RunError/Code/timeout``, ``RunError/Code/connectionReset``, ...), or a success
    /// answer was larger than ``maxBodyBytes`` (``RunError/Code/malformedResponse``). An error
    /// answer's body is read only up to ``maxBodyBytes``: its start says what it is.
    ///
    /// AsyncHTTPClient's own deadline ends when the head of the answer arrives; a server trickling
    /// its body a byte at a time would otherwise hold the request for ever. So the exchange runs as a
    /// task that the transport's ``DeadlineWatch`` cancels once its deadline has passed (one check
    /// for all requests, rather than a timer each: see there).
    func send(
        method: HTTPMethod,
        url: String,
        headers: HTTPHeaders,
        body: [UInt8]?
    ) async throws(RunError)
        -> ServiceAnswer
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let client = self.client(for: url)
        let prepared = request
        let maxBodyBytes = self.maxBodyBytes
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        let exchange = Task { () async throws -> (ServiceAnswer, truncated: Bool) in
            let response = try await client.execute(prepared, deadline: deadline)
            let headers = response.headers
            var answer = ServiceAnswer(
                status: Int(response.status.code),
                contentType: headers.first(name: "content-type"),
                requestID: headers.first(name: "x-request-id"),
                retryAfter: RetryAfter.seconds(from: headers.first(name: "retry-after"))
            )
            for try await part in response.body {
                if answer.body.count + part.readableBytes > maxBodyBytes { return (answer, true) }
                answer.body.append(contentsOf: part.readableBytesView)
            }
            return (answer, false)
        }
        let watched = deadlines.watch(exchange, until: deadline)
        defer { deadlines.unwatch(watched) }
        let result = await withTaskCancellationHandler {
            await exchange.result
        } onCancel: {
            exchange.cancel()
        }
        switch result {
        case .success((let answer, let truncated)):
            guard truncated, answer.isSuccess else { return answer }
            throw RunError(
                .malformedResponse,
                "the answer was larger than \(maxBodyBytes) bytes",
                httpStatus: answer.status,
                requestID: answer.requestID
            )
        case .failure(let error):
            let host = URLComponents(string: url)?.host ?? url
            // The library's own text (errno and all) only in the debug log; people get a sentence.
            logger.debug("no answer from \(host)", metadata: ["error": "\(String(reflecting: error))"])
            if NIODeadline.now() >= deadline {
                throw RunError(.timeout, "no answer from \(host) within \(Self.describe(timeout))")
            }
            let classified = Self.classify(error, host: host)
            if let proxy = network.proxies.proxy(for: url) { throw Self.throughProxy(classified, proxy, host: host) }
            throw classified
        }
    }

    /// How a message about a proxy that cannot be reached begins (a caller's hint about its own URL
    /// would mislead after it).
    package static let proxyUnreachable = "could not connect to the proxy "

    /// A connection that failed through `proxy`: the socket was the proxy's, so the proxy is named,
    /// with the variable it came from, not the host it was to reach.
    static func throughProxy(_ error: RunError, _ proxy: ProxyEnvironment.Proxy, host: String) -> RunError {
        let prefix = "could not connect to \(host)"
        guard error.code == .connectFailed, error.message.hasPrefix(prefix) else { return error }
        var error = error
        error.message =
            Self.proxyUnreachable + "\(proxy) (from \(proxy.variable)) on the way to \(host)"
            + error.message.dropFirst(prefix.count)
            + "; check \(proxy.variable), or list \(host) in NO_PROXY to reach it directly"
        return error
    }

    /// Sorts a client error into a transport error, deciding whether the request may have been sent;
    /// its message is one sentence for a person, naming `host`, without the library's wording.
    static func classify(_ error: any Error, host: String) -> RunError {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return RunError(.connectFailed, "could not connect to \(host) in time")
            case .readTimeout, .deadlineExceeded, .writeTimeout:
                return RunError(.timeout, "no answer from \(host) in time")
            case .remoteConnectionClosed:
                return RunError(.connectionReset, "the connection was closed by \(host) before it answered")
            case .proxyAuthenticationRequired:
                return RunError(
                    .connectFailed,
                    "the proxy asks for credentials (407): put user:password in the proxy variable"
                )
            case .invalidProxyResponse, .httpProxyHandshakeTimeout:
                return RunError(
                    .connectFailed,
                    "the proxy did not open a tunnel to the host (CONNECT refused or timed out: check the"
                        + " user:password in the proxy variable, and that the proxy allows CONNECT to this port)"
                )
            case .cancelled:
                // A stopped run, or the deadline watch (reported as a timeout before this is asked).
                return RunError(.transportError, "the request to \(host) was cancelled")
            case .tlsHandshakeTimeout:
                return RunError(.tls, "the TLS handshake timed out")
            default:
                return RunError(.transportError, "the request to \(host) failed (\(error))")
            }
        }
        let text = String(reflecting: error)
        if String(reflecting: type(of: error)).contains("SSL") || text.contains("handshakeFailed") {
            return RunError(.tls, "TLS failed: \(tlsReason(text))")
        }
        if let error = error as? IOError {
            return classify(errno: error.errnoCode, host: host)
        }
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return RunError(.connectFailed, "could not connect to \(host): the name could not be resolved")
            }
            if let first = error.connectionErrors.first?.error as? IOError {
                return classify(errno: first.errnoCode, host: host)
            }
            return RunError(.connectFailed, "could not connect to \(host)")
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return RunError(.connectFailed, "could not connect to \(host) in time")
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed:
                return RunError(.connectionReset, "the connection was closed by \(host) before it answered")
            default:
                return RunError(.transportError, "\(error)")
            }
        }
        return RunError(.transportError, "the request to \(host) failed")
    }

    /// A socket error as a sentence: whether it came before the request left (cannot connect) or
    /// after (the connection was reset, so the request may have been received).
    static func classify(errno code: Int32, host: String) -> RunError {
        func connect(_ reason: String) -> RunError {
            RunError(.connectFailed, "could not connect to \(host): \(reason)")
        }
        switch code {
        case ECONNREFUSED: return connect("connection refused")
        case EHOSTUNREACH: return connect("no route to the host")
        case ENETUNREACH: return connect("the network is unreachable")
        case EADDRNOTAVAIL: return connect("no local address to connect from")
        case ETIMEDOUT:
            return RunError(.timeout, "no answer from \(host) (timed out)")
        case ECONNRESET, EPIPE:
            return RunError(.connectionReset, "the connection was reset by \(host)")
        default:
            let reason = String(cString: strerror(code)).lowercased()
            return RunError(.connectionReset, "the connection to \(host) failed: \(reason)")
        }
    }

    /// A readable reason from a BoringSSL error: `CERTIFICATE_VERIFY_FAILED` becomes a sentence.
    static func tlsReason(_ text: String) -> String {
        guard let marker = text.firstRange(of: "OPENSSL_internal:") else {
            return "the handshake with the server failed (\(text.prefix(200)))"
        }
        let reason = String(text[marker.upperBound...].prefix { $0.isUppercase || $0 == "_" || $0.isNumber })
        switch reason {
        case "CERTIFICATE_VERIFY_FAILED":
            return "the server's certificate could not be verified (not trusted, expired, or for another host);"
                + " if a TLS-inspecting proxy or your company's authority signed it, trust that authority with"
                + " --ca-file PEM (or SSL_CERT_FILE)"
        default:
            return "the handshake with the server failed (\(reason))"
        }
    }

    static func describe(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
