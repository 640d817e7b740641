/// The body of a 201 to `POST /connections`: `{"id": "...", "etag": "\"...\""}`.
struct CreatedConnectionBody: Encodable, Sendable {
    var id: String
    var etag: String
}
