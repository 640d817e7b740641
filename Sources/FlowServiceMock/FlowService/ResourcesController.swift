import Hummingbird
import NIOCore

/// Flow Service's source connection, target connection and flow endpoints: create (through the one
/// ``CreateResponder``), get by ID, list with `property` filters and paging, delete. What differs
/// per kind is only how the create body is read and which fields it can be filtered on.
struct ResourcesController: Sendable {
    let state: MockState

    /// Not optimised, nor is ``CreateResponder/create(_:path:store:)``: Swift 6.3.1's release build
    /// crashed (signal 11, "while splitting coroutine") specialising that async function with this
    /// throwing closure.
    @_optimize(none)
    func create(_ request: Request, kind: ResourceKind) async throws -> Response {
        try await CreateResponder(state: self.state).create(request, path: kind.path) { body, sandbox in
            let resource = try self.resource(kind, body: body, sandbox: sandbox)
            let stored = try self.state.resources.insert(resource)
            return CreatedConnectionBody(id: stored.id, etag: stored.etag)
        }
    }

    func get(_ request: Request, kind: ResourceKind, id: String) throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .view)
        guard let resource = self.state.resources.resource(kind, id: id, sandbox: sandbox) else {
            throw FlowServiceProblem.notFound
        }
        return JSONAnswer.response(.ok, ConnectionListBody(items: [self.item(resource)], hasLinks: false).json)
    }

    func list(_ request: Request, kind: ResourceKind) throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .view)
        let query = try ConnectionListQuery(
            query: request.uri.query,
            sandbox: sandbox,
            kind: kind.path,
            filterFields: kind.filterFields,
            largestPage: self.state.faults.faults.largestPage
        )
        let matches = self.state.resources.matching(kind, sandbox: sandbox, filter: query.filter)
        return JSONAnswer.response(
            .ok,
            query.answer(matches, kind: kind.path, sandbox: sandbox, key: \.cursor, item: self.item)
        )
    }

    func delete(_ request: Request, kind: ResourceKind, id: String) throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .manage)
        guard try self.state.resources.delete(kind, id: id, sandbox: sandbox) else { throw FlowServiceProblem.notFound }
        return Response(status: .noContent)
    }

    /// The resource a valid create body of `kind` describes, not yet stored.
    private func resource(_ kind: ResourceKind, body: ByteBuffer, sandbox: String) throws -> StoredResource {
        let common: ResourceBody
        let own: (members: [(String, JSONOutput)], fields: [String: [String]])
        var uses: [String] = []
        var schedule: FlowSchedule?
        switch kind {
        case .sourceConnections:
            let request = try SourceConnectionRequest(body)
            (common, own, uses) = (request.body, request.resource, [request.baseConnectionID])
        case .targetConnections:
            let request = try TargetConnectionRequest(body, datasets: self.state.configuration.datasets)
            (common, own) = (request.body, request.resource)
        case .flows:
            let request = try FlowRequest(body, mappingSets: self.state.configuration.mappingSets)
            (common, own) = (request.body, request.resource)
            uses = request.sourceConnectionIDs + request.targetConnectionIDs
            schedule = request.schedule
        }
        let now = self.state.epochMilliseconds
        return StoredResource(
            kind: kind,
            id: self.state.identifiers.uuid(),
            name: common.name,
            description: common.description,
            sandboxName: sandbox,
            createdAt: now,
            updatedAt: now,
            etag: self.state.identifiers.etag(),
            createdClient: self.state.configuration.clientID,
            members: own.members,
            fields: own.fields,
            uses: uses,
            schedule: schedule
        )
    }

    /// The resource as an item of its kind's list response (`SourceConnectionItemDTO`, ...).
    func item(_ resource: StoredResource) -> JSONOutput {
        // Flow Service reports the client as the user for technical-account tokens.
        let client = JSONOutput.string(resource.createdClient)
        var members: [(String, JSONOutput)] = [
            ("id", .string(resource.id)),
            ("createdAt", .integer(resource.createdAt)),
            ("updatedAt", .integer(resource.updatedAt)),
            ("createdBy", client),
            ("updatedBy", client),
            ("createdClient", client),
            ("updatedClient", client),
            ("sandboxId", .string(self.state.sandboxIDs[resource.sandboxName] ?? "")),
            ("sandboxName", .string(resource.sandboxName)),
            ("imsOrgId", .string(self.state.configuration.orgID)),
            ("name", .string(resource.name)),
        ]
        if let description = resource.description {
            members.append(("description", .string(description)))
        }
        members += resource.members
        members.append(("state", "enabled"))
        if resource.kind == .flows {
            members.append(("runs", .string("/runs?property=flowId==\(resource.id)")))
        }
        members += [("version", .string(resource.etag)), ("etag", .string(resource.etag))]
        return .object(members)
    }
}
