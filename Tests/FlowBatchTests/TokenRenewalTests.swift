import Synchronization
import Testing

@testable import FlowBatchModel
@testable import FlowServiceAPI

@Suite("Token renewal shared by the tasks that need it", .timeLimit(.minutes(1)))
struct TokenRenewalTests {
    @Test("a renewal that fails fails every task waiting for it, and the next need fetches again")
    func failedRenewalReachesEveryWaiter() async throws {
        let failing = Mutex(true)
        let fetches = Mutex(0)
        let provider = TokenProvider { () async throws(RunError) in
            fetches.withLock { $0 += 1 }
            if failing.withLock({ $0 }) { throw RunError(.tokenService, "IMS is down") }
            return (Secret("fresh"), 3600)
        }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    do {
                        return try await provider.token().value.revealed
                    } catch {
                        return (error as? RunError)?.message ?? "\(error)"
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes == Array(repeating: "IMS is down", count: 16))
        #expect((1...16).contains(fetches.withLock { $0 }))
        failing.withLock { $0 = false }
        #expect(try await provider.token().value.revealed == "fresh")
    }
}
