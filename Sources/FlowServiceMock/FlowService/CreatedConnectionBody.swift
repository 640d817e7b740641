import NIOCore

/// The body of a 201 to `POST /connections`: `{"id": "...", "etag": "\"...\""}`.
struct CreatedConnectionBody: Sendable {
    var id: String
    var etag: String

    var json: JSONOutput {
        .object([("id", .string(self.id)), ("etag", .string(self.etag))])
    }

    /// ``json`` written out, without building the value first (this is the answer of every create).
    var buffer: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(self.id.utf8.count + self.etag.utf8.count + 24)
        buffer.writeStaticString(#"{"id":"#)
        JSONOutput.writeString(self.id, to: &buffer)
        buffer.writeStaticString(#","etag":"#)
        JSONOutput.writeString(self.etag, to: &buffer)
        buffer.writeStaticString("}")
        return buffer
    }
}
