import Hummingbird
import NIOCore

/// The one path of every create route (`POST /connections`, `/sourceConnections`,
/// `/targetConnections`, `/flows`): the sandbox check, one draw of the create faults (``MockFaults``:
/// 500/503 without creating, 504 or a dropped connection after creating, hostile answers), the
/// `Content-Type` check, then the kind's own validation and storing, and 201 `{"id", "etag"}` with
/// `Location`. One draw per create from one generator, whatever the kind.
struct CreateResponder: Sendable {
    /// Largest request body read; a larger one is answered 413 `MOCK-4008-413`.
    static let maximumBodyBytes = 1 << 20

    let state: MockState

    /// Creates through `store`, which validates the body and stores the resource in `sandbox`,
    /// returning its ID and etag; `path` is the kind's path (`connections`, `flows`, ...) for
    /// `Location`.
    ///
    /// Not optimised: Swift 6.3.1's release build crashed (signal 11, "while splitting
    /// coroutine") on this async function specialised with `ResourcesController`'s throwing closure.
    @_optimize(none)
    func create(
        _ request: Request,
        path: String,
        store: (ByteBuffer, String) throws -> CreatedConnectionBody
    ) async throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .manage)
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
        guard MediaType.matches(request.headers[.contentType], "application/json") else {
            throw GatewayBadRequest.contentTypeMissing
        }
        let body = try await request.body.collect(upTo: Self.maximumBodyBytes)
        let answer = try store(body, sandbox)
        let location = MockRoute.flowServicePath + "/" + path + "/" + answer.id
        switch fault {
        case .gatewayTimeout:
            throw FlowServiceProblem.gatewayTimeout
        case .drop:
            throw ConnectionDropped()
        case .answer(let kind):
            return try HostileAnswer.response(
                kind,
                created: answer,
                location: location,
                faults: self.state.faults.faults
            )
        case .none, .internalError, .unavailable:
            return JSONAnswer.response(.created, answer.buffer, headers: [.location: location])
        }
    }
}
