/// A hostile answer to `POST /connections`, for hardening a client against broken proxies and
/// half-working services. Each kind says whether the connection is created before the answer.
public enum AnswerFault: String, Sendable, CaseIterable, Hashable, Codable {
    /// Creates; answers 201 with `Location` and a JSON body cut off in the middle
    /// (`Content-Type: application/json`).
    case malformedJSON = "malformed-json"
    /// Does not create; answers 502 with a `text/html` proxy error page.
    case html502 = "html-502"
    /// Creates; answers 201 with `Location` and an empty body.
    case empty201 = "empty-201"
    /// Creates; answers 201 with `Location` and `{"etag": ...}` without an `id`.
    case noID201 = "no-id-201"
    /// Creates; answers 201 whose JSON holds a valid `id` and `etag` plus a `padding` string that
    /// makes the body ``MockFaults/hugeBodyBytes`` long (8 MiB by default).
    case hugeBody = "huge-body"
    /// Creates; answers 201 with the normal body, written ``MockFaults/trickleChunkBytes`` at a
    /// time with ``MockFaults/trickleInterval`` between writes, so a client's timeout fires.
    case slowTrickle = "slow-trickle"
    /// Creates; answers 201 with `Content-Type: text/plain` and the body `Created`.
    case wrongContentType = "wrong-content-type"
    /// Does not create; answers 400 `MOCK-4009-400` whose message repeats what the client sent: its
    /// `Authorization` header and its body, credentials included (a service that echoes its input).
    case echo400 = "echo-400"

    /// Whether the connection exists after this answer.
    public var creates: Bool {
        self != .html502 && self != .echo400
    }
}
