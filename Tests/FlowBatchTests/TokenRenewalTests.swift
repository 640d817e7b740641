import Synchronization
import Testing

@testable import FlowBatchModel
@testable import FlowServiceAPI

@Suite("Token renewal shared by the tasks that need it", .timeLimit(.minutes(1)))
struct TokenRenewalTests {
    @Test(
        "one fetch serves every task that needs a token meanwhile; when it fails, all fail, and the next need fetches again"
    )
    func failedRenewalReachesEveryWaiter() async throws {
        let failing = Mutex(true)
        let fetches = Mutex(0)
        // The first fetch is held until the other fifteen tasks wait for it.
        let (gate, open) = AsyncStream<Void>.makeStream()
        let provider = TokenProvider { () async throws(RunError) in
            let first = fetches.withLock { count in
                count += 1
                return count == 1
            }
            if first { for await _ in gate { break } }
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
            while provider.renewalWaiterCount < 15 { await Task.yield() }
            open.yield(())
            open.finish()
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes == Array(repeating: "IMS is down", count: 16))
        #expect(fetches.withLock { $0 } == 1)
        failing.withLock { $0 = false }
        #expect(try await provider.token().value.revealed == "fresh")
    }
}
