import Foundation
import Logging
import NIOHTTP1

/// Talks to the Flow Service: creates, finds, lists and deletes connections, with the headers every
/// Platform call needs, renewing the token when the gateway refuses it.
///
/// Answers are decoded into typed outcomes; nothing here retries except the one renewal of a
/// refused token (the executor owns the retry policy).
public struct FlowServiceClient: Sendable {
    public let settings: PlatformSettings
    let transport: HTTPTransport
    let tokens: TokenProvider
    let logger: Logger
    let redactor: Redactor
    /// Waits for the run's rate limit before each request but a create (the worker paces those, so
    /// that a row stopped while waiting counts as not sent); says `false` once the run is stopped,
    /// and then no further listing page is asked for.
    let pace: (@Sendable () async -> Bool)?

    public init(
        settings: PlatformSettings,
        transport: HTTPTransport,
        tokens: TokenProvider,
        logger: Logger,
        pace: (@Sendable () async -> Bool)? = nil
    ) {
        self.settings = settings
        self.transport = transport
        self.tokens = tokens
        self.logger = logger
        self.pace = pace
        redactor = Redactor(settings.secrets)
    }

    /// A client for `settings`, with a token provider that fetches tokens from IMS (and renews
    /// them) or uses the fixed token; `pace` waits for the run's rate limit (see ``pace``).
    public static func make(
        settings: PlatformSettings,
        transport: HTTPTransport,
        logger: Logger,
        pace: (@Sendable () async -> Bool)? = nil
    ) -> FlowServiceClient {
        let tokens: TokenProvider
        switch settings.authentication {
        case .accessToken(let token):
            tokens = TokenProvider(fixed: token)
        case .clientCredentials(let clientID, let clientSecret, let scopes):
            let ims = IMSClient(
                imsURL: settings.imsURL,
                clientID: clientID,
                clientSecret: clientSecret,
                scopes: scopes,
                sources: settings.sources,
                transport: transport,
                logger: logger
            )
            let sources = settings.sources
            tokens = TokenProvider(
                fetch: { () async throws(RunError) in
                    _ = await pace?()
                    return try await ims.fetch()
                },
                entitlementAdvice: "check the org ID (from \(sources.orgID)), the API key (from \(sources.apiKey)) and the"
                    + " project's product profiles"
            )
        }
        return FlowServiceClient(settings: settings, transport: transport, tokens: tokens, logger: logger, pace: pace)
    }

    // MARK: - Create

    /// Makes sure a token is at hand (fetching one from IMS if needed), so that a token service that
    /// fails stops the run before a row counts as sent.
    public func ensureToken() async throws(RunError) {
        _ = try await tokens.token()
    }

    /// Gets the first token, before a command writes anything: credentials that IMS refuses, and an
    /// IMS URL that does not answer like IMS, throw ``ConfigurationError`` (exit 64) naming where the
    /// settings came from. The same failures later, at a renewal, stay a ``RunError``.
    public func startToken() async throws {
        do {
            _ = try await tokens.token()
        } catch {
            switch error.code {
            case .credentialsRefused, .notTokenService: throw ConfigurationError(error.message)
            default: throw error
            }
        }
    }

    /// `POST /connections` with an encoded body; `rowSecrets` are masked in any message echoed back.
    public func create(body: [UInt8], sandbox: String, rowSecrets: [Secret]) async throws(RunError) -> ServiceAnswer {
        let (answer, token) = try await perform(.POST, path: "/connections", query: [], sandbox: sandbox, body: body)
        // Built only for an answer that is read as text: most answers are a plain 201.
        var redactor: Redactor { self.redactor.adding(rowSecrets + [token]) }
        switch answer {
        case .transport(let failure):
            return .transport(failure)
        case .answer(let status, let headers, let body, let truncated):
            let requestID = headers.first(name: "x-request-id")
            guard (200..<300).contains(status) else {
                return .refused(
                    ErrorBody.failure(
                        status: status,
                        body: body,
                        requestID: requestID,
                        retryAfter: RetryAfter.seconds(from: headers.first(name: "retry-after")),
                        redactor: redactor
                    )
                )
            }
            if truncated {
                return .unreadableSuccess(
                    status: status,
                    requestID: requestID,
                    reason: "the answer was larger than \(transport.maxBodyBytes) bytes"
                )
            }
            if let type = headers.first(name: "content-type"), !Self.isJSON(type) {
                return .unreadableSuccess(
                    status: status,
                    requestID: requestID,
                    reason: "the answer is \(redactor.clean(type)), not JSON"
                )
            }
            guard let created = try? Self.decoder.decode(CreatedBody.self, from: Data(body)) else {
                return .unreadableSuccess(status: status, requestID: requestID, reason: "the answer is not valid JSON")
            }
            guard let id = created.id, !id.isEmpty else {
                return .unreadableSuccess(status: status, requestID: requestID, reason: "the answer has no connection id")
            }
            return .created(CreatedConnection(id: id, etag: created.etag, status: status, requestID: requestID))
        }
    }

    /// One decoder for every answer: making one per request showed in profiles.
    private static let decoder = JSONDecoder()

    private struct CreatedBody: Decodable {
        var id: String?
        var etag: String?
    }

    // MARK: - Look-ups

    /// A connection as a listing shows it.
    public struct Listed: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Creation time, epoch milliseconds, when given.
        public var createdAt: Int?
    }

    /// Why a look-up did not give an answer.
    public enum LookupFailure: Error, Sendable, Equatable {
        case refused(ServiceFailure)
        case transport(TransportFailure)
        case unreadable(String)

        /// What went wrong, for a person.
        public var message: String {
            switch self {
            case .refused(let failure): failure.message
            case .transport(let failure): failure.message
            case .unreadable(let reason): reason
            }
        }
    }

    /// The connections of the generic REST spec in `sandbox` named exactly `name`.
    ///
    /// A name holding a comma cannot be asked for directly (a comma in a filter means OR), so then
    /// the sandbox's generic REST connections are listed and compared by name.
    public func connections(named name: String, sandbox: String) async throws(RunError) -> Result<[Listed], LookupFailure> {
        let filter: [String] =
            name.contains(",") || name.isEmpty
            ? ["connectionSpec.id==\(GenericRESTSpec.connectionSpecID)"]
            : ["name==\(name)", "connectionSpec.id==\(GenericRESTSpec.connectionSpecID)"]
        switch try await list(filters: filter, sandbox: sandbox) {
        case .success(let items): return .success(items.filter { $0.name == name })
        case .failure(let failure): return .failure(failure)
        }
    }

    /// Every generic REST connection in `sandbox`, following continuation tokens.
    public func genericRESTConnections(sandbox: String) async throws(RunError) -> Result<[Listed], LookupFailure> {
        try await list(filters: ["connectionSpec.id==\(GenericRESTSpec.connectionSpecID)"], sandbox: sandbox)
    }

    private func list(filters: [String], sandbox: String) async throws(RunError) -> Result<[Listed], LookupFailure> {
        var items: [Listed] = []
        var continuation: String?
        var pages = 0
        repeat {
            if let pace, !(await pace()) { return .failure(.unreadable("the run was stopped")) }
            var query = filters.map { ("property", $0) } + [("limit", "100")]
            if let continuation { query.append(("continuationToken", continuation)) }
            let (answer, token) = try await perform(.GET, path: "/connections", query: query, sandbox: sandbox, body: nil)
            switch answer {
            case .transport(let failure):
                return .failure(.transport(failure))
            case .answer(let status, let headers, let body, let truncated):
                guard status == 200 else {
                    return .failure(
                        .refused(
                            ErrorBody.failure(
                                status: status,
                                body: body,
                                requestID: headers.first(name: "x-request-id"),
                                retryAfter: RetryAfter.seconds(from: headers.first(name: "retry-after")),
                                redactor: redactor.adding([token])
                            )
                        )
                    )
                }
                guard !truncated, let page = try? Self.decoder.decode(ListBody.self, from: Data(body)) else {
                    return .failure(.unreadable("a listing answer could not be read"))
                }
                items += page.items.compactMap { item in
                    guard let id = item.id, let name = item.name else { return nil }
                    return Listed(id: id, name: name, createdAt: item.createdAt)
                }
                continuation = page._links?.next?.href.flatMap { QueryEncoding.value(of: "continuationToken", in: $0) }
            }
            pages += 1
        } while continuation != nil && pages < 100_000
        return .success(items)
    }

    private struct ListBody: Decodable {
        struct Item: Decodable {
            var id: String?
            var name: String?
            var createdAt: Int?
        }
        struct Links: Decodable {
            struct Link: Decodable { var href: String? }
            var next: Link?
        }
        var items: [Item]
        var _links: Links?
    }

    // MARK: - Delete

    /// What `DELETE /connections/{id}` did.
    public enum Deletion: Sendable, Equatable {
        /// Deleted now.
        case deleted
        /// Not there (the Flow Service's 404 for the connection): already deleted.
        case alreadyGone
        /// Not deleted: the answer says why.
        case refused(ServiceAnswer)
    }

    /// `DELETE /connections/{id}`.
    public func delete(id: String, sandbox: String) async throws(RunError) -> Deletion {
        let (answer, token) = try await perform(
            .DELETE,
            path: "/connections/\(QueryEncoding.encode(id))",
            query: [],
            sandbox: sandbox,
            body: nil
        )
        switch answer {
        case .transport(let failure):
            return .refused(.transport(failure))
        case .answer(let status, let headers, let body, _):
            if (200..<300).contains(status) { return .deleted }
            let failure = ErrorBody.failure(
                status: status,
                body: body,
                requestID: headers.first(name: "x-request-id"),
                retryAfter: RetryAfter.seconds(from: headers.first(name: "retry-after")),
                redactor: redactor.adding([token])
            )
            // Only the Flow Service saying so means the connection is gone: a missing sandbox, a
            // proxy's page or a wrong endpoint answer 404 as well.
            if status == 404, failure.source == .flowService, !AnswerClassifier.stopsTheRun(failure.code) {
                return .alreadyGone
            }
            return .refused(.refused(failure))
        }
    }

    // MARK: - Sending

    /// Sends one Platform call with a valid token; a refused token is renewed (shared with every other
    /// task) and the call sent again. Also gives the token sent, for masking it in an echoed message
    /// (a token IMS issued during the run is in no settings).
    private func perform(
        _ method: HTTPMethod,
        path: String,
        query: [(String, String)],
        sandbox: String,
        body: [UInt8]?
    ) async throws(RunError) -> (HTTPTransport.Answer, Secret) {
        var url = settings.endpoint + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(QueryEncoding.encode($0.1))" }.joined(separator: "&")
        }
        var token = try await tokens.token()
        var refusals = 0
        while true {
            var headers = HTTPHeaders()
            headers.add(name: "Authorization", value: "Bearer \(token.value.revealed)")
            headers.add(name: "x-api-key", value: settings.apiKey)
            headers.add(name: "x-gw-ims-org-id", value: settings.orgID)
            headers.add(name: "x-sandbox-name", value: sandbox)
            headers.add(name: "Accept", value: "application/json")
            if body != nil { headers.add(name: "Content-Type", value: "application/json") }
            let started = ContinuousClock.now
            let answer = await transport.send(method: method, url: url, headers: headers, body: body)
            log(method, path, sandbox: sandbox, answer: answer, since: started)
            guard case .answer(401, let answerHeaders, let answerBody, _) = answer else {
                if case .answer = answer { tokens.accepted(token) }
                return (answer, token.value)
            }
            refusals += 1
            if refusals > 3 {
                let failure = ErrorBody.failure(
                    status: 401,
                    body: answerBody,
                    requestID: answerHeaders.first(name: "x-request-id"),
                    retryAfter: nil,
                    redactor: redactor.adding([token.value])
                )
                throw RunError(
                    .authenticationRejected,
                    "the access token keeps being refused: \(failure.message)",
                    serviceCode: failure.code,
                    requestID: failure.requestID
                )
            }
            token = try await tokens.refused(token)
            _ = await pace?()
        }
    }

    private func log(_ method: HTTPMethod, _ path: String, sandbox: String, answer: HTTPTransport.Answer, since: ContinuousClock.Instant) {
        guard logger.logLevel <= .debug else { return }
        let elapsed = (ContinuousClock.now - since).milliseconds
        switch answer {
        case .answer(let status, let headers, _, _):
            logger.debug(
                "\(method.rawValue) \(path) → \(status)",
                metadata: [
                    "sandbox": "\(sandbox)", "ms": "\(elapsed)",
                    "request-id": "\(headers.first(name: "x-request-id") ?? "-")",
                ]
            )
        case .transport(let failure):
            logger.debug(
                "\(method.rawValue) \(path) → no answer: \(failure.message)",
                metadata: ["sandbox": "\(sandbox)", "ms": "\(elapsed)"]
            )
        }
    }

    /// Whether a `Content-Type` is JSON (`application/json`, `application/problem+json`, with or
    /// without parameters), ignoring case; runs for every answer, so it works on bytes.
    static func isJSON(_ contentType: String) -> Bool {
        var type = Array(contentType.utf8.prefix { $0 != UInt8(ascii: ";") })
        while type.last == UInt8(ascii: " ") { type.removeLast() }
        while type.first == UInt8(ascii: " ") { type.removeFirst() }
        for index in type.indices where type[index] >= UInt8(ascii: "A") && type[index] <= UInt8(ascii: "Z") {
            type[index] += 32
        }
        return type.elementsEqual("application/json".utf8) || type.reversed().starts(with: "+json".utf8.reversed())
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }

    /// Seconds as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
