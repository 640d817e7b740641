import Hummingbird
import Logging
import NIOCore

/// Wraps every route: gives the request its ID, turns the mock's errors into answers, adds the
/// injected latency, stamps `x-request-id` and counts the answer, so that no answer, whatever its
/// origin, escapes the statistics.
struct ObservingMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    let state: MockState

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let requestID = self.state.identifiers.uuid()
        context.requestID = requestID
        let route = MockRoute.statsKey(method: request.method, endpointPath: context.endpointPath)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let answer as any MockErrorAnswer {
            response = answer.response(requestID: requestID)
        } catch let drop as ConnectionDropped {
            if let route {
                await self.delay()
                self.state.counter.record(route: route, status: "drop")
            }
            self.log(request, route: route, status: "drop", requestID: requestID)
            try? await context.channel.close()
            throw drop
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            self.state.logger.error(
                "Unexpected error",
                metadata: ["request-id": .string(requestID), "error": .string(String(describing: type(of: error)))]
            )
            response = FlowServiceProblem.internalError.response(requestID: requestID)
        }
        response.headers[.xRequestID] = requestID
        if let route {
            await self.delay()
            self.state.counter.record(route: route, status: String(response.status.code))
        }
        self.log(request, route: route, status: String(response.status.code), requestID: requestID)
        return response
    }

    private func delay() async {
        let delay = self.state.faults.drawDelay()
        if delay > .zero {
            try? await Task.sleep(for: delay)
        }
    }

    private func log(_ request: Request, route: String?, status: String, requestID: String) {
        self.state.logger.debug(
            "\(request.method) \(request.uri.path) \(status)",
            metadata: ["request-id": .string(requestID), "route": .string(route ?? "mock")]
        )
    }
}
