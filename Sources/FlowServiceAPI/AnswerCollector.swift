import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Collects one answer as AsyncHTTPClient hands it over on the event loop: its status, the headers
/// flowbatch reads, and its body up to a limit. An answer larger than the limit fails the request
/// with ``TooLarge``, which holds what was read, so that the rest is not read at all.
final class AnswerCollector: HTTPClientResponseDelegate {
    typealias Response = ServiceAnswer

    /// The answer went past the limit; `answer` holds its head and the body read so far.
    struct TooLarge: Error {
        var answer: ServiceAnswer
    }

    private let maxBodyBytes: Int
    private let answer = Mutex(ServiceAnswer(status: 0))

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    func didReceiveHead(task: HTTPClient.Task<ServiceAnswer>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        answer.withLock { answer in
            answer.status = Int(head.status.code)
            answer.contentType = head.headers.first(name: "content-type")
            answer.requestID = head.headers.first(name: "x-request-id")
            answer.retryAfter = RetryAfter.seconds(from: head.headers.first(name: "retry-after"))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<ServiceAnswer>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let cut = answer.withLock { answer -> ServiceAnswer? in
            guard answer.body.count + buffer.readableBytes <= maxBodyBytes else { return answer }
            answer.body.append(contentsOf: buffer.readableBytesView)
            return nil
        }
        guard let cut else { return task.eventLoop.makeSucceededVoidFuture() }
        return task.eventLoop.makeFailedFuture(TooLarge(answer: cut))
    }

    func didFinishRequest(task: HTTPClient.Task<ServiceAnswer>) throws -> ServiceAnswer {
        answer.withLock { $0 }
    }
}
