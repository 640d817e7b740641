import Testing

@testable import FlowServiceMock

@Suite("Seeded fault generator", .timeLimit(.minutes(3)))
struct FaultGeneratorTests {
    @Test("Each band gets its share of 2,000 draws within 2.5 points")
    func bandsMatchShares() {
        var faults = MockFaults()
        faults.errorRate = 0.1
        faults.ambiguousRate = 0.2
        faults.answerFaults = [.hugeBody: 0.05, .slowTrickle: 0.15]
        faults.seed = 99
        let injector = FaultInjector(faults)
        var counts: [CreateFault: Int] = [:]
        for _ in 0..<2_000 {
            counts[injector.drawCreateFault(), default: 0] += 1
        }
        func share(_ kinds: CreateFault...) -> Double {
            Double(kinds.map { counts[$0] ?? 0 }.reduce(0, +)) / 2_000
        }
        #expect(abs(share(.internalError, .unavailable) - 0.1) < 0.025)
        #expect(abs(share(.internalError) - 0.05) < 0.025)
        #expect(abs(share(.gatewayTimeout, .drop) - 0.2) < 0.025)
        #expect(abs(share(.drop) - 0.1) < 0.025)
        #expect(abs(share(.answer(.hugeBody)) - 0.05) < 0.025)
        #expect(abs(share(.answer(.slowTrickle)) - 0.15) < 0.025)
        #expect(abs(share(.none) - 0.5) < 0.025)
        #expect(Set(counts.keys).count == 7)
    }

    @Test("No fault configured means no draw and no fault")
    func noFaults() {
        let injector = FaultInjector(MockFaults())
        #expect((0..<100).allSatisfy { _ in injector.drawCreateFault() == .none })
        #expect(injector.drawDelay() == .zero)
    }

    @Test("Delays lie within latency and latency plus jitter, and vary")
    func delaysWithinJitter() {
        var faults = MockFaults()
        faults.latency = .milliseconds(20)
        faults.latencyJitter = .milliseconds(10)
        faults.seed = 5
        let injector = FaultInjector(faults)
        let delays = (0..<500).map { _ in injector.drawDelay() }
        #expect(delays.allSatisfy { $0 >= .milliseconds(20) && $0 <= .milliseconds(30) })
        #expect(Set(delays).count > 400)
        #expect(delays.min()! < .milliseconds(21))
        #expect(delays.max()! > .milliseconds(29))
    }

    @Test("The same seed draws the same faults; delays do not disturb them")
    func sameSeedSameFaults() {
        var faults = MockFaults()
        faults.errorRate = 0.5
        faults.latencyJitter = .milliseconds(5)
        faults.seed = 1_234
        let first = FaultInjector(faults)
        let second = FaultInjector(faults)
        let a = (0..<300).map { _ in first.drawCreateFault() }
        let b = (0..<300).map { index in
            if index.isMultiple(of: 3) { _ = second.drawDelay() }
            return second.drawCreateFault()
        }
        #expect(a == b)
    }
}
