import AsyncHTTPClient
import NIOCore
import Testing

@testable import FlowBatch
@testable import FlowBatchModel
@testable import FlowServiceAPI

#if canImport(Glibc)
import Glibc
#endif

@Suite("transport failures in words a person reads", .timeLimit(.minutes(1)))
struct TransportMessageTests {
    @Test(
        "socket errors become one sentence naming the host, without errno or the library's wording",
        arguments: [
            (ECONNREFUSED, "could not connect to platform.adobe.io: connection refused", false),
            (ECONNRESET, "the connection was reset by platform.adobe.io", true),
            (EPIPE, "the connection was reset by platform.adobe.io", true),
            (EHOSTUNREACH, "could not connect to platform.adobe.io: no route to the host", false),
            (ETIMEDOUT, "no answer from platform.adobe.io (timed out)", true),
        ] as [(Int32, String, Bool)]
    )
    func socketErrors(code: Int32, message: String, mayHaveBeenSent: Bool) {
        let failure = HTTPTransport.classify(
            IOError(errnoCode: code, reason: "read(descriptor:pointer:size:)"),
            host: "platform.adobe.io"
        )
        #expect(failure.message == message)
        #expect(failure.mayHaveBeenSent == mayHaveBeenSent)
        #expect(!failure.message.contains("errno") && !failure.message.contains("descriptor"))
    }

    @Test("a cancelled request is one sentence, without the library's name for it")
    func cancelled() {
        let failure = HTTPTransport.classify(HTTPClientError.cancelled, host: "platform.adobe.io")
        #expect(failure.message == "the request to platform.adobe.io was cancelled")
        #expect(!failure.message.contains("HTTPClientError"))
    }
}
