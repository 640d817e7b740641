import Foundation
import Hummingbird

/// Flow Service's base connection endpoints (the gateway has admitted the request already).
struct ConnectionsController: Sendable {
    /// Largest request body read; a larger one is answered 413 `FLOW-1400-413`.
    static let maximumBodyBytes = 1 << 20

    let state: MockState

    func create(_ request: Request) async throws -> Response {
        let sandbox = try self.sandbox(of: request)
        let fault = self.state.faults.drawCreateFault()
        switch fault {
        case .internalError: throw FlowServiceProblem.internalError
        case .unavailable: throw FlowServiceProblem.unavailable
        case .answer(let kind) where !kind.creates:
            var sent = ""
            if kind == .echo400 {
                let body = try await request.body.collect(upTo: Self.maximumBodyBytes)
                sent = "authorization '\(request.headers[.authorization] ?? "")', body \(String(buffer: body))"
            }
            return try HostileAnswer.response(
                kind,
                created: .init(id: "", etag: ""),
                location: "",
                sent: sent,
                faults: self.state.faults.faults
            )
        default: break
        }
        try Self.checkJSONContentType(request.headers[.contentType])
        let body = try await request.body.collect(upTo: Self.maximumBodyBytes)
        let created = try self.store(CreateConnectionRequest(body: body), sandbox: sandbox)
        let answer = CreatedConnectionBody(id: created.id, etag: created.etag)
        let location = MockRoute.flowServicePath + "/connections/" + created.id
        switch fault {
        case .gatewayTimeout:
            throw FlowServiceProblem.gatewayTimeout
        case .drop:
            throw ConnectionDropped()
        case .answer(let kind):
            return try HostileAnswer.response(kind, created: answer, location: location, faults: self.state.faults.faults)
        case .none, .internalError, .unavailable:
            return JSONAnswer.response(.created, answer.buffer, headers: [.location: location])
        }
    }

    func list(_ request: Request) throws -> Response {
        let sandbox = try self.sandbox(of: request)
        let query = try ConnectionListQuery(query: request.uri.query, sandbox: sandbox)
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
        var next: String?
        if page.hasMore, let last = page.items.last {
            let token = ContinuationToken(
                sandbox: sandbox,
                properties: query.properties,
                order: query.order,
                limit: query.limit,
                cursor: PageCursor(after: last)
            )
            next = "/connections?continuationToken=\(token.encoded)"
        }
        let body = ConnectionListBody(items: page.items.map { self.item($0) }, next: next, hasLinks: true)
        return JSONAnswer.response(.ok, body.json)
    }

    func get(_ request: Request, id: String) throws -> Response {
        let connection = try self.existingConnection(request, id: id)
        return JSONAnswer.response(.ok, ConnectionListBody(items: [self.item(connection)], hasLinks: false).json)
    }

    func delete(_ request: Request, id: String) throws -> Response {
        let sandbox = try self.sandbox(of: request)
        guard self.state.store.delete(id: id, sandbox: sandbox) else { throw FlowServiceProblem.notFound }
        return Response(status: .noContent)
    }

    /// `{"result": false}` when the connection's host is in the reserved `.invalid` domain
    /// (RFC 2606), `{"result": true}` otherwise.
    func test(_ request: Request, id: String) throws -> Response {
        let connection = try self.existingConnection(request, id: id)
        let host = connection.visibleParams["host"].flatMap { URLComponents(string: $0)?.host } ?? ""
        let reachable = !(host == "invalid" || host.hasSuffix(".invalid"))
        return JSONAnswer.response(.ok, .object([("result", .bool(reachable))]))
    }

    private func store(_ request: CreateConnectionRequest, sandbox: String) -> StoredConnection {
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
            createdAt: Int64((Date().timeIntervalSince1970 * 1_000).rounded()),
            etag: self.state.identifiers.etag(),
            createdClient: self.state.configuration.clientID
        )
        return self.state.store.insert(connection)
    }

    private func existingConnection(_ request: Request, id: String) throws -> StoredConnection {
        let sandbox = try self.sandbox(of: request)
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

    private func sandbox(of request: Request) throws(FlowServiceProblem) -> String {
        guard let name = request.headers[.xSandboxName], !name.isEmpty else { throw .sandboxHeaderMissing }
        guard self.state.sandboxIDs[name] != nil else { throw .sandboxNotFound(name) }
        return name
    }

    private static func checkJSONContentType(_ value: String?) throws(FlowServiceProblem) {
        guard MediaType.matches(value, "application/json") else { throw .wrongContentType(value) }
    }
}
