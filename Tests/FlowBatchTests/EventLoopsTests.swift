import NIOCore
import Testing

@testable import FlowServiceAPI

@Suite("the client's event loops follow the process's CPU affinity", .timeLimit(.minutes(1)))
struct EventLoopsTests {
    @Test(
        "the allowed cores are the bits set in the Cpus_allowed mask",
        arguments: [
            ("Name:\tflowbatch\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n", 1),
            ("Cpus_allowed:\t3\nCpus_allowed_list:\t0-1\n", 2),
            ("Cpus_allowed:\tf0\n", 4),
            ("Cpus_allowed:\tffffffff,00000001\nMems_allowed:\t1\n", 33),
        ] as [(String, Int)]
    )
    func allowedCores(status: String, cores: Int) {
        #expect(EventLoops.allowedCores(inStatus: status) == cores)
    }

    @Test(
        "a status without a usable mask gives no count",
        arguments: ["Name:\tflowbatch\n", "Cpus_allowed:\t0\n", "Cpus_allowed:\tzz\n", "Cpus_allowed_list:\t0-1\n"]
    )
    func noMask(status: String) {
        #expect(EventLoops.allowedCores(inStatus: status) == nil)
    }

    @Test("there are as many loops as NIO would start, but no more than the cores the process may use")
    func loopCount() throws {
        let allowed = try #require(EventLoops.affinityCoreCount)
        #expect(EventLoops.count == min(allowed, NIOSingletons.groupLoopCountSuggestion))
        #expect(EventLoops.count >= 1)
        var loops = 0
        for _ in EventLoops.group.makeIterator() { loops += 1 }
        #expect(loops == EventLoops.count)
    }
}
