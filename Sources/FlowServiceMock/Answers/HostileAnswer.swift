import Hummingbird
import NIOCore

/// The answers of ``AnswerFault``: what a broken proxy or a half-working service sends back.
enum HostileAnswer {
    static let proxyErrorPage = """
        <html>
        <head><title>502 Bad Gateway</title></head>
        <body>
        <center><h1>502 Bad Gateway</h1></center>
        <hr><center>nginx</center>
        </body>
        </html>

        """

    /// The answer for `kind`, given the created connection's normal body and `Location` (for the
    /// kinds that create nothing, they are ignored) and what the client sent (for
    /// ``AnswerFault/echo400``: its `Authorization` header and body).
    static func response(
        _ kind: AnswerFault,
        created: CreatedConnectionBody,
        location: String,
        sent: String = "",
        faults: MockFaults
    ) throws(FlowServiceProblem) -> Response {
        var headers: HTTPFields = [.location: location, .contentType: JSONAnswer.contentType]
        let normalBody = created.buffer
        switch kind {
        case .malformedJSON:
            let cut = normalBody.getSlice(at: normalBody.readerIndex, length: normalBody.readableBytes / 2)!
            return Response(status: .created, headers: headers, body: ResponseBody(byteBuffer: cut))
        case .html502:
            return Response(
                status: .badGateway,
                headers: [.contentType: "text/html"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.proxyErrorPage))
            )
        case .empty201:
            return Response(status: .created, headers: headers, body: ResponseBody())
        case .noID201:
            return JSONAnswer.response(
                .created,
                .object([("etag", .string(created.etag))]),
                headers: [.location: location]
            )
        case .hugeBody:
            return Response(
                status: .created,
                headers: headers,
                body: ResponseBody(byteBuffer: Self.padded(created, toBytes: faults.hugeBodyBytes))
            )
        case .slowTrickle:
            return Response(
                status: .created,
                headers: headers,
                body: Self.trickle(normalBody, chunkBytes: faults.trickleChunkBytes, interval: faults.trickleInterval)
            )
        case .echo400:
            throw FlowServiceProblem.echoed(sent)
        case .wrongContentType:
            headers[.contentType] = "text/plain"
            return Response(
                status: .created,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "Created"))
            )
        }
    }

    /// `{"id": ..., "etag": ..., "padding": "xxxx..."}`, exactly `size` bytes long (or the bare
    /// object when `size` is smaller than it).
    private static func padded(_ created: CreatedConnectionBody, toBytes size: Int) -> ByteBuffer {
        var buffer = created.buffer
        let prefix = #","padding":""#
        let closing = #""}"#
        let padding = size - buffer.readableBytes - prefix.utf8.count - closing.utf8.count + 1
        guard padding > 0 else { return buffer }
        buffer.moveWriterIndex(to: buffer.writerIndex - 1)
        buffer.reserveCapacity(size)
        buffer.writeString(prefix)
        buffer.writeRepeatingByte(UInt8(ascii: "x"), count: padding)
        buffer.writeString(closing)
        return buffer
    }

    private static func trickle(_ body: ByteBuffer, chunkBytes: Int, interval: Duration) -> ResponseBody {
        ResponseBody(contentLength: body.readableBytes) { writer in
            var remaining = body
            while let chunk = remaining.readSlice(length: min(chunkBytes, remaining.readableBytes)),
                chunk.readableBytes > 0
            {
                try await writer.write(chunk)
                if remaining.readableBytes > 0 {
                    try await Task.sleep(for: interval)
                }
            }
            try await writer.finish(nil)
        }
    }
}
