import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Sends every post, `limit` in flight, and counts the answers by status (or by error type).
struct Loop: Sendable {
    let client: HTTPClient
    let url: String
    let posts: [BodiesFile.Post]
    let limit: Int
    /// The headers of each sandbox, made once: the floor builds nothing per request it need not.
    private let headers: [String: HTTPHeaders]

    /// flowbatch's deadline for one exchange (`--timeout 30`).
    static let timeout = TimeAmount.seconds(30)

    init(client: HTTPClient, url: String, headers: Headers, posts: [BodiesFile.Post], limit: Int) {
        self.client = client
        self.url = url
        self.posts = posts
        self.limit = limit
        var bySandbox: [String: HTTPHeaders] = [:]
        for post in posts where bySandbox[post.sandbox] == nil {
            bySandbox[post.sandbox] = headers.create(sandbox: post.sandbox)
        }
        self.headers = bySandbox
    }

    /// async/await: a sliding window of `limit` tasks in a task group, each answer collected whole.
    func runAsync() async -> [String: Int] {
        await withTaskGroup(of: String.self) { group in
            var tally: [String: Int] = [:]
            var next = 0
            while next < min(limit, posts.count) {
                let post = posts[next]
                group.addTask { await send(post) }
                next += 1
            }
            while let outcome = await group.next() {
                tally[outcome, default: 0] += 1
                if next < posts.count {
                    let post = posts[next]
                    group.addTask { await send(post) }
                    next += 1
                }
            }
            return tally
        }
    }

    private func send(_ post: BodiesFile.Post) async -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers[post.sandbox]!
        request.body = .bytes(post.body)
        do {
            let response = try await client.execute(request, deadline: .now() + Self.timeout)
            _ = try await response.body.collect(upTo: 1 << 20)
            return String(response.status.code)
        } catch {
            return String(describing: type(of: error))
        }
    }

    /// EventLoopFuture: `limit` chains of `execute(request:)`, each answer (read whole by the
    /// library's accumulator) starting the next request from its callback.
    func runWithFutures() async -> [String: Int] {
        let window = FutureWindow(loop: self, promise: client.eventLoopGroup.next().makePromise())
        for _ in 0..<min(limit, posts.count) { window.launch() }
        if posts.isEmpty { window.promise.succeed() }
        try? await window.promise.futureResult.get()
        return window.state.withLock { $0.tally }
    }

    fileprivate func request(for post: BodiesFile.Post) throws -> HTTPClient.Request {
        try HTTPClient.Request(url: url, method: .POST, headers: headers[post.sandbox]!, body: .byteBuffer(post.body))
    }
}

/// The shared state of the futures run: which post is next, the counts so far, and the promise
/// that completes with the last answer.
private final class FutureWindow: Sendable {
    struct State {
        var next = 0
        var answered = 0
        var tally: [String: Int] = [:]
    }

    let loop: Loop
    let promise: EventLoopPromise<Void>
    let state = Mutex(State())

    init(loop: Loop, promise: EventLoopPromise<Void>) {
        self.loop = loop
        self.promise = promise
    }

    /// Sends the next post, if any is left; its answer sends the one after.
    func launch() {
        let index: Int? = state.withLock { state in
            guard state.next < loop.posts.count else { return nil }
            defer { state.next += 1 }
            return state.next
        }
        guard let index else { return }
        do {
            let request = try loop.request(for: loop.posts[index])
            loop.client.execute(request: request, deadline: .now() + Loop.timeout).whenComplete { result in
                switch result {
                case .success(let response): self.record(String(response.status.code))
                case .failure(let error): self.record(String(describing: type(of: error)))
                }
            }
        } catch {
            record(String(describing: type(of: error)))
        }
    }

    private func record(_ outcome: String) {
        let finished = state.withLock { state in
            state.tally[outcome, default: 0] += 1
            state.answered += 1
            return state.answered == loop.posts.count
        }
        if finished {
            promise.succeed()
        } else {
            launch()
        }
    }
}
