import FlowBatchModel
import Foundation
import Logging
import NIOHTTP1

/// Talks to the Flow Service: creates, patches, finds, lists, counts, tests and deletes connections and
/// reads the connection spec, with the headers every Platform call needs, renewing the token when the
/// gateway refuses it.
///
/// Each method returns the decoded answer or throws the one ``RunError``: no complete answer, an
/// answer that refuses the request, or a success that cannot be read. Nothing here retries except
/// the one renewal of a refused token (the executor owns the retry policy).
public struct FlowServiceClient: Sendable {
    public let settings: PlatformSettings
    let transport: HTTPTransport
    let tokens: TokenProvider
    package let logger: Logger
    let redactor: Redactor
    /// Waits for the run's rate limit; says `false` once the run is stopped, and then no further page
    /// is asked for. The client calls it before each page of a name look-up, before resending a
    /// request after a renewed token, and before an IMS token request; listing pages are paced by
    /// their caller, and creates, patches, deletes and tests by their ``RequestPolicy`` retrier (so
    /// that a row stopped while waiting counts as not sent).
    package let pace: (@Sendable () async -> Bool)?

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
    package static func make(
        settings: PlatformSettings,
        transport: HTTPTransport,
        retrying: any Retrying,
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
                    return try await ims.fetch(retrying: retrying)
                },
                entitlementAdvice:
                    "check the org ID (from \(sources.orgID)), the API key (from \(sources.apiKey)) and the"
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
    /// A certificate that is not trusted (TLS) is a configuration error here too: `--ca-file` fixes it.
    public func startToken() async throws {
        do {
            _ = try await tokens.token()
        } catch  where ExitStatus.beforeWriting(error) == .configuration {
            throw ConfigurationError(error.message)
        }
    }

    /// `POST` of `create`'s body to its kind's collection (`/connections`, `/sourceConnections`, ...);
    /// its secrets are masked in any message echoed back. Answered with the new resource's ID and etag.
    public func create(_ create: ResourceCreate) async throws(RunError) -> CreatedConnection {
        let (answer, token) = try await perform(
            .POST,
            target: create.kind.path,
            sandbox: create.sandbox,
            body: create.body
        )
        return try written(answer, token: token, rowSecrets: create.secrets)
    }

    /// `PATCH /connections/{id}` with `If-Match: etag` and a JSON Patch body; answered like a create
    /// (the ``CreatedConnection`` holds the new etag). A stale etag is refused with 412.
    public func patch(
        id: String,
        etag: String,
        body: [UInt8],
        sandbox: String,
        rowSecrets: [Secret]
    ) async throws(RunError) -> CreatedConnection {
        let (answer, token) = try await perform(
            .PATCH,
            target: "/connections/\(QueryEncoding.encode(id))",
            sandbox: sandbox,
            body: body,
            headers: [("If-Match", etag)]
        )
        return try written(answer, token: token, rowSecrets: rowSecrets)
    }

    /// `GET /connections/{id}`: the connection as the service holds it now (its current etag), or
    /// `nil` when the Flow Service says it does not exist.
    public func connection(id: String, sandbox: String) async throws(RunError) -> Listed? {
        do {
            return try await listingPage("/connections/\(QueryEncoding.encode(id))", sandbox: sandbox).items.first {
                $0.id == id
            }
        } catch  where error.isRefusal && error.httpStatus == 404 && error.serviceCode == Self.connectionNotFound {
            return nil
        }
    }

    /// `GET /connections/{id}/test`: whether the service can connect with the connection's credentials.
    public func test(id: String, sandbox: String) async throws(RunError) -> Bool {
        struct Test: Decodable { var result: Bool }
        return try await get(
            "/connections/\(QueryEncoding.encode(id))/test",
            sandbox: sandbox,
            as: Test.self,
            what: "test"
        )
        .result
    }

    /// `GET target`, its 200 answer decoded as `T`; `what` names it in the message when it cannot be read.
    /// `root` is where `target` is (the endpoint unless given: Catalog and Data Prep are beside it).
    func get<T: Decodable>(
        _ target: String,
        root: String? = nil,
        sandbox: String,
        as type: T.Type,
        what: String
    ) async throws(RunError) -> T {
        let body = try await get(target, root: root, sandbox: sandbox, what: what)
        guard let decoded = try? Self.decoder.decode(T.self, from: Data(body)) else {
            throw Self.unreadable("the \(what) answer could not be read")
        }
        return decoded
    }

    /// `GET target` (under `root`, the endpoint unless given): the body of its 200 answer, whole.
    func get(_ target: String, root: String? = nil, sandbox: String, what: String) async throws(RunError) -> [UInt8] {
        let answer: ServiceAnswer
        let token: Secret
        do {
            (answer, token) = try await perform(.GET, target: target, root: root, sandbox: sandbox, body: nil)
        } catch  where error.code == .malformedResponse {
            throw Self.unreadable("the \(what) answer was larger than expected")
        }
        guard answer.status == 200 else { throw refusal(answer, token: token) }
        return answer.body
    }

    /// A 200 answer to a read that cannot be read.
    static func unreadable(_ reason: String) -> RunError {
        RunError(.malformedResponse, reason, httpStatus: 200)
    }

    /// The answer to a request that writes a connection (create, patch): its ID and etag.
    private func written(
        _ answer: ServiceAnswer,
        token: Secret,
        rowSecrets: [Secret]
    ) throws(RunError)
        -> CreatedConnection
    {
        // Built only for an answer that is read as text: most answers are a plain 201.
        var redactor: Redactor { self.redactor.adding(rowSecrets + [token]) }
        guard answer.isSuccess else { throw ErrorBody.refusal(of: answer, redactor: redactor) }
        func unreadable(_ reason: String) -> RunError {
            RunError(.malformedResponse, reason, httpStatus: answer.status, requestID: answer.requestID)
        }
        if let type = answer.contentType, !Self.isJSON(type) {
            throw unreadable("the answer is \(redactor.clean(type)), not JSON")
        }
        guard let created = try? Self.decoder.decode(CreatedBody.self, from: Data(answer.body)) else {
            throw unreadable("the answer is not valid JSON")
        }
        guard let id = created.id, !id.isEmpty else { throw unreadable("the answer has no connection id") }
        return CreatedConnection(id: id, etag: created.etag, status: answer.status, requestID: answer.requestID)
    }

    /// One decoder for every answer: making one per request showed in profiles.
    static let decoder = JSONDecoder()

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
        public var createdAt: Int? = nil
        public var description: String? = nil
        public var etag: String? = nil
        /// The auth spec name the connection was created with.
        public var authSpecName: String? = nil
        /// The auth params the listing shows that are never secret (host, username, clientId, the
        /// URLs and the expiration date); secret params are not kept, whatever the answer holds.
        public var params: [String: String] = [:]

        /// The auth params a listing may show that are not secrets.
        public static let publicParams: Set<String> = [
            "host", "username", "authorizationTestUrl", "clientId", "expirationDate", "accessTokenUrl",
        ]

        fileprivate init?<Auth>(_ item: ListBody<Auth>.Item) {
            guard let id = item.id, let name = item.name else { return nil }
            self.id = id
            self.name = name
            createdAt = item.createdAt
            description = item.description
            etag = item.etag
            authSpecName = item.auth?.specName
            for (key, value) in item.auth?.params ?? [:] where Self.publicParams.contains(key) {
                if let text = value.text { params[key] = text }
            }
        }

        public init(id: String, name: String, createdAt: Int? = nil) {
            self.id = id
            self.name = name
            self.createdAt = createdAt
        }
    }

    /// The resources `create` may have made: its kind's listing with its look-up filters, every page,
    /// narrowed to its name (a filter may match more, or, for a name holding a comma, nothing narrower
    /// could be asked for).
    public func resources(matching create: ResourceCreate) async throws(RunError) -> [Listed] {
        try await list(path: create.kind.path, filters: create.lookUpFilters, sandbox: create.sandbox)
            .filter { $0.name == create.name }
    }

    /// The `property` filters that find the generic REST connections named `name`: by name and spec,
    /// or, for a name holding a comma (a comma in a filter means OR), by spec alone.
    public static func connectionLookUpFilters(name: String) -> [String] {
        canFilter(name: name) ? ["name==\(name)", spec] : [spec]
    }

    /// Every resource at `path` matching `filters`, following the pages; for look-ups, which their
    /// caller retries as a whole. Throws ``RunError/Code/stopped`` once the run is stopped.
    private func list(path: String, filters: [String], sandbox: String) async throws(RunError) -> [Listed] {
        var items: [Listed] = []
        var target: String? = Self.target(
            path: path,
            query: filters.map { ("property", $0) } + [("limit", "\(Self.defaultPage)")]
        )
        var pages = 0
        while let next = target, pages < 100_000 {
            if let pace, !(await pace()) { throw RunError(.stopped, "the run was stopped") }
            let page = try await listingPage(next, sandbox: sandbox)
            items += page.items
            target = page.next
            pages += 1
        }
        return items
    }

    /// One page of a listing and the target of the next, if any.
    public struct Page: Sendable {
        public var items: [Listed]
        public var next: String?
    }

    /// The target of the first page of a listing with `filters`, `limit` connections a page.
    public static func firstPage(filters: [String], limit: Int = defaultPage) -> String {
        target(path: "/connections", query: filters.map { ("property", $0) } + [("limit", "\(limit)")])
    }

    /// The target of the first page of the generic REST connections of a sandbox, `limit` a page.
    public static func firstGenericRESTPage(limit: Int = largestPage) -> String {
        firstPage(filters: [spec], limit: limit)
    }

    /// The target of the newest generic REST connections of a sandbox (`orderby=-createdAt`, two, so
    /// that the order can be checked): what `--if-exists create` asks instead of a listing. Any
    /// connection whose `createdAt` is later was made after this answer.
    public static let newestGenericRESTConnection =
        target(path: "/connections", query: [("property", spec), ("orderby", "-createdAt"), ("limit", "2")])

    /// The service's own page size, which it documents no maximum for.
    public static let defaultPage = 100
    /// The page size a whole-sandbox listing asks for first (the mock's largest); a service that
    /// refuses it is asked again with ``defaultPage``.
    public static let largestPage = 1_000
    /// The filter of the generic REST connections.
    static let spec = "connectionSpec.id==\(GenericRESTSpec.connectionSpecID)"

    /// `GET` one listing page at `target` (``firstPage(filters:)`` or a page's ``Page/next``); the
    /// caller paces and retries. `params`: whether the connections' public auth params are decoded
    /// (export writes them; a run keeps only names, IDs and etags, and a sandbox of 40,000 connections
    /// decodes faster without a dictionary per connection).
    public func listingPage(_ target: String, sandbox: String, params: Bool = true) async throws(RunError) -> Page {
        params
            ? try await listingPage(target, sandbox: sandbox, auth: ListedAuth.self)
            : try await listingPage(target, sandbox: sandbox, auth: ListedSpecName.self)
    }

    private func listingPage<Auth: ListedAuthPart>(
        _ target: String,
        sandbox: String,
        auth: Auth.Type
    ) async throws(RunError) -> Page {
        let page = try await get(target, sandbox: sandbox, as: ListBody<Auth>.self, what: "listing")
        // An empty page may come without `items`.
        let items = (page.items ?? []).compactMap(Listed.init)
        guard let href = page._links?.next?.href else { return Page(items: items, next: nil) }
        guard let next = Self.target(following: href, endpoint: settings.endpoint) else {
            throw Self.unreadable("the listing's next page points away from --endpoint")
        }
        return Page(items: items, next: next)
    }

    fileprivate struct ListBody<Auth: ListedAuthPart>: Decodable {
        struct Item: Decodable {
            var id: String?
            var name: String?
            var description: String?
            var createdAt: Int?
            var etag: String?
            var auth: Auth?
        }
        struct Links: Decodable {
            struct Link: Decodable { var href: String? }
            var next: Link?
        }
        var items: [Item]?
        var _links: Links?
    }

    /// `GET /connections?count=true` for the generic REST spec in `sandbox`: how many there are, in
    /// one request (the sandbox exists and may be listed).
    public func countGenericRESTConnections(sandbox: String) async throws(RunError) -> Int {
        struct Count: Decodable { var count: Int }
        let target = Self.target(
            path: "/connections",
            query: [("property", "connectionSpec.id==\(GenericRESTSpec.connectionSpecID)"), ("count", "true")]
        )
        return try await get(target, sandbox: sandbox, as: Count.self, what: "count").count
    }

    // MARK: - Connection spec

    /// `GET /connectionSpecs/{generic REST}`: the auth spec names and required params the service
    /// accepts; `nil` when the answer lists no basic or OAuth 2 refresh-code auth spec.
    public func connectionSpec(sandbox: String) async throws(RunError) -> ConnectionAuthSpecs? {
        ConnectionAuthSpecs.read(
            from: try await get(
                "/connectionSpecs/\(GenericRESTSpec.connectionSpecID)",
                sandbox: sandbox,
                what: "connection spec"
            )
        )
    }

    // MARK: - Delete

    /// What `DELETE /connections/{id}` did.
    public enum Deletion: Sendable, Equatable {
        /// Deleted now.
        case deleted
        /// Not there (the Flow Service's 404 for the connection): already deleted.
        case alreadyGone
    }

    /// Adobe's code for "the requested resource is not found: resource with given id does not exist".
    static let connectionNotFound = "FLOW-1101-404"

    /// `DELETE` of resource `id` of `kind` (`/connections/{id}` by default).
    public func delete(
        _ kind: ResourceKind = .baseConnection,
        id: String,
        sandbox: String
    ) async throws(RunError)
        -> Deletion
    {
        let (answer, token) = try await perform(
            .DELETE,
            target: "\(kind.path)/\(QueryEncoding.encode(id))",
            sandbox: sandbox,
            body: nil
        )
        if answer.isSuccess { return .deleted }
        let refusal = refusal(answer, token: token)
        // Only the Flow Service's "resource with given id does not exist" means the connection is
        // gone: a missing sandbox, another resource, a proxy's page or a wrong endpoint answer 404 too.
        if answer.status == 404, refusal.code == .serviceRefused, refusal.serviceCode == Self.connectionNotFound {
            return .alreadyGone
        }
        throw refusal
    }

    // MARK: - Sending

    /// An error answer read as the error it is, with the token sent and every settings secret masked
    /// in what it echoes.
    private func refusal(_ answer: ServiceAnswer, token: Secret) -> RunError {
        ErrorBody.refusal(of: answer, redactor: redactor.adding([token]))
    }

    /// A path under the endpoint with its query encoded.
    static func target(path: String, query: [(String, String)]) -> String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\($0.0)=\(QueryEncoding.encode($0.1))" }.joined(separator: "&")
    }

    /// The path under `endpoint` of a listing's `_links.next.href`, taken as given (its token is
    /// never decoded and encoded again: a base64 token may hold `+`): relative to the endpoint
    /// (`/connections?...`), a path from the host that starts with the endpoint's own path, or an
    /// absolute URL on the endpoint. `nil` when it points anywhere else: the token is not sent there.
    static func target(following href: String, endpoint: String) -> String? {
        guard let base = URLComponents(string: endpoint), let scheme = base.scheme, let host = base.host else {
            return nil
        }
        var path = href
        if href.contains("://") {
            guard let next = URLComponents(string: href), next.scheme?.lowercased() == scheme.lowercased(),
                next.host?.lowercased() == host.lowercased(), next.port == base.port,
                let start = href.range(
                    of: next.percentEncodedPath,
                    options: [],
                    range: href.range(of: "://")!.upperBound..<href.endIndex
                )
            else { return nil }
            path = String(href[start.lowerBound...])
        }
        var basePath = base.percentEncodedPath
        while basePath.hasSuffix("/") { basePath.removeLast() }
        if !basePath.isEmpty, path.hasPrefix(basePath + "/") { path.removeFirst(basePath.count) }
        return path.hasPrefix("/") ? path : "/" + path
    }

    /// Sends one Platform call with a valid token; a refused token is renewed (shared with every other
    /// task) and the call sent again. Also gives the token sent, for masking it in an echoed message
    /// (a token IMS issued during the run is in no settings). `target` is the path under the endpoint,
    /// with its query already encoded; `root` replaces the endpoint for the Platform APIs beside the
    /// Flow Service (Catalog, Data Prep).
    private func perform(
        _ method: HTTPMethod,
        target: String,
        root: String? = nil,
        sandbox: String,
        body: [UInt8]?,
        headers extra: [(String, String)] = []
    ) async throws(RunError) -> (ServiceAnswer, Secret) {
        let url = (root ?? settings.endpoint) + target
        let path = String(target.prefix { $0 != "?" })
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
            for (name, value) in extra { headers.add(name: name, value: value) }
            let started = ContinuousClock.now
            let answer: ServiceAnswer
            do {
                answer = try await transport.send(method: method, url: url, headers: headers, body: body)
            } catch {
                // A success too large to read is an answer all the same: the token worked.
                if error.httpStatus != nil { tokens.accepted(token) }
                log(
                    method,
                    path,
                    sandbox: sandbox,
                    status: error.httpStatus,
                    requestID: error.requestID,
                    failure: error.message,
                    since: started
                )
                throw error
            }
            log(method, path, sandbox: sandbox, status: answer.status, requestID: answer.requestID, since: started)
            guard answer.status == 401 else {
                tokens.accepted(token)
                return (answer, token.value)
            }
            refusals += 1
            if refusals > 3 {
                let failure = refusal(answer, token: token.value)
                throw RunError(
                    .authenticationRejected,
                    "the access token keeps being refused: \(failure.message)",
                    serviceCode: failure.serviceCode,
                    requestID: failure.requestID
                )
            }
            token = try await tokens.refused(token)
            _ = await pace?()
        }
    }

    /// The debug line of one exchange: its status, or that no answer came (`status` is `nil`).
    private func log(
        _ method: HTTPMethod,
        _ path: String,
        sandbox: String,
        status: Int?,
        requestID: String?,
        failure: String? = nil,
        since: ContinuousClock.Instant
    ) {
        guard logger.logLevel <= .debug else { return }
        let elapsed = (ContinuousClock.now - since).milliseconds
        if let status {
            logger.debug(
                "\(method.rawValue) \(path) → \(status)",
                metadata: ["sandbox": "\(sandbox)", "ms": "\(elapsed)", "request-id": "\(requestID ?? "-")"]
            )
        } else {
            logger.debug(
                "\(method.rawValue) \(path) → no answer: \(failure ?? "")",
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

/// What a listed connection's `auth` is decoded as: its spec name, and its params or not.
private protocol ListedAuthPart: Decodable, SendableMetatype {
    var specName: String? { get }
    var params: [String: ListedParam]? { get }
}

/// The auth with its params (export writes the public ones).
private struct ListedAuth: ListedAuthPart {
    var specName: String?
    var params: [String: ListedParam]?
}

/// The auth without its params, which are skipped, not decoded.
private struct ListedSpecName: ListedAuthPart {
    var specName: String?
    var params: [String: ListedParam]? { nil }
}

/// A listed param's value; only strings are kept.
private struct ListedParam: Decodable {
    var text: String?
    init(from decoder: any Decoder) throws {
        text = try? decoder.singleValueContainer().decode(String.self)
    }
}
