import Foundation
import Hummingbird

/// Flow Service's base connection and connection spec endpoints (the gateway has admitted the
/// request already).
struct ConnectionsController: Sendable {
    let state: MockState

    func create(_ request: Request) async throws -> Response {
        try await CreateResponder(state: self.state).create(request, path: "connections") { body, sandbox in
            let created = self.store(
                try CreateConnectionRequest(body: body, authSpecs: self.state.authSpecs),
                sandbox: sandbox
            )
            return CreatedConnectionBody(id: created.id, etag: created.etag)
        }
    }

    func list(_ request: Request) throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .view)
        let query = try ConnectionListQuery(
            query: request.uri.query,
            sandbox: sandbox,
            largestPage: self.state.faults.faults.largestPage
        )
        if query.countOnly {
            let count = self.state.store.count(sandbox: sandbox, filter: query.filter)
            return JSONAnswer.response(.ok, .object([("count", .integer(Int64(count)))]))
        }
        let page = self.state.store.page(
            sandbox: sandbox,
            filter: query.filter,
            order: query.order,
            after: query.cursor,
            limit: query.limit
        )
        let next = query.nextHref(
            kind: "connections",
            sandbox: sandbox,
            after: page.hasMore ? page.items.last.map(PageCursor.init(after:)) : nil
        )
        let body = ConnectionListBody(items: page.items.map { self.item($0).json }, next: next, hasLinks: true)
        return JSONAnswer.response(.ok, body.json)
    }

    func get(_ request: Request, id: String) throws -> Response {
        let connection = try self.existingConnection(request, id: id, access: .view)
        return JSONAnswer.response(.ok, ConnectionListBody(items: [self.item(connection).json], hasLinks: false).json)
    }

    func delete(_ request: Request, id: String) throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .manage)
        guard try self.state.resources.deleteConnection(id: id, sandbox: sandbox) else {
            throw FlowServiceProblem.notFound
        }
        return Response(status: .noContent)
    }

    /// `{"result": false}` when the connection's host is in the reserved `.invalid` domain
    /// (RFC 2606), `{"result": true}` otherwise.
    func test(_ request: Request, id: String) throws -> Response {
        let connection = try self.existingConnection(request, id: id, access: .view)
        let reachable = !CreateConnectionRequest.isReservedInvalid(connection.visibleParams["host"] ?? "")
        return JSONAnswer.response(.ok, .object([("result", .bool(reachable))]))
    }

    /// `PATCH /connections/{id}`: checks, in order, the sandbox, `Content-Type` (JSON or JSON
    /// Patch), `If-Match` (`FLOW-1403`), the body (``ConnectionPatch``), that the connection
    /// exists (`FLOW-1101`), that `If-Match` is its etag (`FLOW-1404-412`) and the new auth params
    /// against the connection's own auth spec; then stores the change under a new etag and
    /// answers 200 `{"id", "etag"}`.
    func patch(_ request: Request, id: String) async throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .manage)
        let contentType = request.headers[.contentType]
        guard
            MediaType.matches(contentType, "application/json")
                || MediaType.matches(contentType, "application/json-patch+json")
        else { throw GatewayBadRequest.contentTypeMissing }
        if self.state.faults.faults.patchDisabled { throw FlowServiceProblem.patchNotEnabled }
        guard let ifMatch = request.headers[.ifMatch], !ifMatch.isEmpty else {
            throw FlowServiceProblem.ifMatchMissing
        }
        let patch = try ConnectionPatch(body: try await request.body.collect(upTo: CreateResponder.maximumBodyBytes))
        guard let connection = self.state.store.connection(id: id, sandbox: sandbox) else {
            throw FlowServiceProblem.notFound
        }
        guard connection.etag == ifMatch else {
            throw FlowServiceProblem.versionNotMatching(supplied: ifMatch, current: connection.etag)
        }
        var changed = try patch.applied(to: connection, authSpec: self.authSpec(of: connection))
        changed.etag = self.state.identifiers.etag()
        changed.updatedAt = Self.nowMilliseconds()
        switch self.state.store.replace(changed, ifEtag: ifMatch) {
        case .replaced:
            return JSONAnswer.response(.ok, CreatedConnectionBody(id: changed.id, etag: changed.etag).buffer)
        case .notFound:
            throw FlowServiceProblem.notFound
        case .stale(let current):
            throw FlowServiceProblem.versionNotMatching(supplied: ifMatch, current: current)
        }
    }

    /// `GET /connectionSpecs/{id}`: the generic REST spec as `{"items": [spec]}`; another ID is
    /// `FLOW-1101-404`, Adobe's "resource with given id does not exist". Connection specs belong to
    /// no sandbox (Adobe: "organization agnostic"), so `x-sandbox-name` is not checked.
    func connectionSpec(id: String) throws(FlowServiceProblem) -> Response {
        guard id.lowercased() == ConnectionSpecCatalog.genericRESTID else { throw .notFound }
        return JSONAnswer.response(.ok, ConnectionSpecCatalog.genericRESTAnswer(authSpecs: self.state.authSpecs))
    }

    /// The auth spec the connection was created under; one the spec no longer lists (a
    /// connection inserted directly) is read by its kind.
    private func authSpec(of connection: StoredConnection) -> AuthSpec {
        let name = connection.authSpecName
        if let listed = self.state.authSpec(named: name) {
            return listed
        }
        return AuthSpec.oAuth2Names.contains(name) ? .oAuth2RefreshCode(named: name) : .basic
    }

    private static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000).rounded())
    }

    private func store(_ request: CreateConnectionRequest, sandbox: String) -> StoredConnection {
        let now = Self.nowMilliseconds()
        let connection = StoredConnection(
            id: self.state.identifiers.uuid(),
            name: request.name,
            description: request.description,
            sandboxName: sandbox,
            connectionSpecID: request.connectionSpecID,
            connectionSpecVersion: request.connectionSpecVersion,
            authSpecName: request.authSpecName,
            visibleParams: request.visibleParams,
            maskedParams: request.maskedParams,
            createdAt: now,
            updatedAt: now,
            etag: self.state.identifiers.etag(),
            createdClient: self.state.configuration.clientID
        )
        return self.state.store.insert(connection)
    }

    private func existingConnection(_ request: Request, id: String, access: MockState.Access) throws -> StoredConnection
    {
        let sandbox = try self.state.sandbox(of: request, access: access)
        guard let connection = self.state.store.connection(id: id, sandbox: sandbox) else {
            throw FlowServiceProblem.notFound
        }
        return connection
    }

    private func item(_ connection: StoredConnection) -> ConnectionItem {
        ConnectionItem(
            connection: connection,
            sandboxID: self.state.sandboxIDs[connection.sandboxName] ?? "",
            orgID: self.state.configuration.orgID
        )
    }

}
