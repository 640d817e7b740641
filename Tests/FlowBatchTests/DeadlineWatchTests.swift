import NIOCore
import NIOEmbedded
import Testing

@testable import FlowServiceAPI

@Suite("one deadline check for every exchange of a transport", .timeLimit(.minutes(1)))
struct DeadlineWatchTests {
    /// An exchange that lasts until it is cancelled.
    private static func endless() -> DeadlineWatch.Exchange {
        Task {
            while !Task.isCancelled { try await Task.sleep(for: .seconds(60)) }
            throw CancellationError()
        }
    }

    @Test("an exchange past its deadline is cancelled and forgotten; one before it is left running")
    func cancelsOnlyExpired() {
        let loop = EmbeddedEventLoop()
        let watch = DeadlineWatch(eventLoop: loop, timeout: .seconds(30))
        let now = NIODeadline.now()
        let late = Self.endless()
        let early = Self.endless()
        _ = watch.watch(late, until: now - .seconds(1))
        _ = watch.watch(early, until: now + .seconds(30))
        watch.cancelExpired(now: now)
        #expect(late.isCancelled)
        #expect(!early.isCancelled)
        #expect(watch.watchedCount == 1)
        early.cancel()
        watch.stop()
    }

    @Test("an exchange that ended is not cancelled when its deadline passes")
    func unwatchedIsLeftAlone() {
        let watch = DeadlineWatch(eventLoop: EmbeddedEventLoop(), timeout: .seconds(30))
        let exchange = Self.endless()
        let id = watch.watch(exchange, until: .now() - .seconds(1))
        watch.unwatch(id)
        watch.cancelExpired(now: .now())
        #expect(!exchange.isCancelled)
        #expect(watch.watchedCount == 0)
        exchange.cancel()
        watch.stop()
    }

    @Test("the check runs on the event loop every interval, from the first exchange until stop")
    func checksOnTheLoop() throws {
        let loop = EmbeddedEventLoop()
        let watch = DeadlineWatch(eventLoop: loop, timeout: .seconds(2))
        #expect(watch.interval == .milliseconds(100))
        let expired = Self.endless()
        _ = watch.watch(expired, until: .now() - .seconds(1))
        loop.advanceTime(by: .milliseconds(99))
        #expect(!expired.isCancelled)
        loop.advanceTime(by: .milliseconds(1))
        #expect(expired.isCancelled)
        watch.stop()
        let afterStop = Self.endless()
        _ = watch.watch(afterStop, until: .now() - .seconds(1))
        loop.advanceTime(by: .seconds(1))
        #expect(!afterStop.isCancelled)
        afterStop.cancel()
        try loop.syncShutdownGracefully()
    }

    @Test("the interval is a twentieth of the timeout, between 10 ms and 1 s")
    func interval() {
        let loop = EmbeddedEventLoop()
        #expect(DeadlineWatch(eventLoop: loop, timeout: .seconds(30)).interval == .seconds(1))
        #expect(DeadlineWatch(eventLoop: loop, timeout: .seconds(5)).interval == .milliseconds(250))
        #expect(DeadlineWatch(eventLoop: loop, timeout: .milliseconds(50)).interval == .milliseconds(10))
    }
}
