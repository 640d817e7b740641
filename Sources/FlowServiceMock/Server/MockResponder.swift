import Hummingbird
import Logging
import NIOCore

/// Answers every request: gives it an ID, routes it (behind the gateway for Flow Service),
/// turns the mock's errors into answers, adds the injected latency, stamps `x-request-id` and
/// counts the answer, so that no answer, whatever its origin, escapes the statistics.
struct MockResponder: HTTPResponder {
    typealias Context = MockRequestContext

    let state: MockState
    let gateway: Gateway
    let connections: ConnectionsController
    let resources: ResourcesController
    let lookups: ChainLookupController
    let tokens: TokenController

    init(state: MockState) {
        self.state = state
        self.gateway = Gateway(state: state)
        self.connections = ConnectionsController(state: state)
        self.resources = ResourcesController(state: state)
        self.lookups = ChainLookupController(state: state)
        self.tokens = TokenController(state: state)
    }

    func respond(to request: Request, context: MockRequestContext) async throws -> Response {
        let arrived = NIODeadline.now()
        let requestID = self.state.identifiers.uuid()
        let route = MockRoute(method: request.method, path: request.uri.path)
        var response: Response
        do {
            response = try await self.dispatch(route, request)
        } catch let problem as FlowServiceProblem {
            response = problem.response(requestID: requestID)
        } catch let gatewayError as GatewayError {
            response = gatewayError.response(requestID: requestID)
        } catch let imsError as IMSError {
            response = imsError.response(requestID: requestID)
        } catch let empty as EmptyAnswer {
            response = empty.response(requestID: requestID)
        } catch let badRequest as GatewayBadRequest {
            response = badRequest.response(requestID: requestID)
        } catch let drop as ConnectionDropped {
            if let key = route.statsKey {
                await self.delay(on: context.channel.eventLoop, from: arrived)
                self.state.counter.record(route: key, status: "drop")
            }
            self.log(request, status: "drop", requestID: requestID)
            try? await context.channel.close()
            throw drop
        } catch is NIOTooManyBytesError {
            response = FlowServiceProblem.bodyTooLarge.response(requestID: requestID)
        } catch let error as HTTPError {
            response = Response(status: error.status, headers: error.headers)
        } catch {
            self.state.logger.error(
                "Unexpected error",
                metadata: ["request-id": .string(requestID), "error": .string(String(describing: type(of: error)))]
            )
            response = FlowServiceProblem.internalError.response(requestID: requestID)
        }
        response.headers[.xRequestID] = requestID
        if let key = route.statsKey {
            await self.delay(on: context.channel.eventLoop, from: arrived)
            self.state.counter.record(route: key, status: String(response.status.code))
        }
        self.log(request, status: String(response.status.code), requestID: requestID)
        return response
    }

    private func dispatch(_ route: MockRoute, _ request: Request) async throws -> Response {
        if route != .stats, self.state.inOutage {
            throw ConnectionDropped()
        }
        if route.isPlatform {
            try self.gateway.admit(request.headers)
        }
        switch route {
        case .stats: return JSONAnswer.response(.ok, self.state.stats().json)
        case .issueToken: return try await self.tokens.issue(request)
        case .createConnection: return try await self.connections.create(request)
        case .listConnections: return try self.connections.list(request)
        case .getConnection(let id): return try self.connections.get(request, id: id)
        case .deleteConnection(let id): return try self.connections.delete(request, id: id)
        case .testConnection(let id): return try self.connections.test(request, id: id)
        case .patchConnection(let id): return try await self.connections.patch(request, id: id)
        case .connectionSpec(let id): return try self.connections.connectionSpec(id: id)
        case .exploreConnection(let id): return try self.lookups.explore(request, id: id)
        case .createResource(let kind): return try await self.resources.create(request, kind: kind)
        case .listResources(let kind): return try self.resources.list(request, kind: kind)
        case .getResource(let kind, let id): return try self.resources.get(request, kind: kind, id: id)
        case .deleteResource(let kind, let id): return try self.resources.delete(request, kind: kind, id: id)
        case .flowSpecs: return try self.lookups.flowSpecs(request)
        case .flowSpec(let id): return try self.lookups.flowSpec(id: id)
        case .runs: return try self.lookups.runs(request)
        case .dataset(let id): return try self.lookups.dataset(id: id)
        case .mappingSet(let id): return try self.lookups.mappingSet(id: id)
        case .other: return Response(status: .notFound)
        }
    }

    /// The injected latency, as a timer on the connection's event loop: cheaper per request than
    /// `Task.sleep`, which costs the mock CPU that the client under test shares on one machine.
    /// It runs from the request's `arrival`, so that an answer leaves the latency after its request
    /// came in, however long the mock took to make it: a "20 ms" service answers in 20 ms, not in
    /// 20 ms plus the mock's own work, which the bench's ideal times would otherwise be charged for.
    private func delay(on eventLoop: any EventLoop, from arrival: NIODeadline) async {
        let delay = self.state.faults.drawDelay()
        guard delay > .zero else { return }
        let (seconds, attoseconds) = delay.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        let due = arrival + .nanoseconds(nanoseconds)
        guard due > .now() else { return }
        // Ends early only if the event loop shuts down.
        try? await eventLoop.scheduleTask(deadline: due) {}.futureResult.get()
    }

    private func log(_ request: Request, status: String, requestID: String) {
        self.state.logger.debug(
            "\(request.method) \(request.uri.path) \(status)",
            metadata: ["request-id": .string(requestID)]
        )
    }
}
