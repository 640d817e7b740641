/// The body of a 201 to `POST /connections`: `{"id": "...", "etag": "\"...\""}`.
struct CreatedConnectionBody: Sendable {
    var id: String
    var etag: String

    var json: JSONOutput {
        .object([("id", .string(self.id)), ("etag", .string(self.etag))])
    }
}
