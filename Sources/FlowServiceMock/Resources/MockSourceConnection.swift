import Foundation
import NIOCore

/// A source connection the mock holds, as tests see it.
public struct MockSourceConnection: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var sandbox: String
    /// The base connection it reads through.
    public var baseConnectionID: String
    /// `data.format`, as sent (default `json`).
    public var format: String
    /// `params` as sent, compact JSON with keys sorted, e.g. `{"urlParams":{"method":"GET","path":"/v1"}}`.
    public var paramsJSON: String
    public var etag: String
    public var createdAt: Date

    init(_ resource: StoredResource) {
        self.id = resource.id
        self.name = resource.name
        self.sandbox = resource.sandboxName
        self.baseConnectionID = resource.uses.first ?? ""
        self.format = resource.member("data").flatMap { $0.member("format")?.text } ?? ""
        self.paramsJSON = resource.member("params").map { String(buffer: $0.buffer) } ?? "{}"
        self.etag = resource.etag
        self.createdAt = Date(timeIntervalSince1970: Double(resource.createdAt) / 1_000)
    }
}
