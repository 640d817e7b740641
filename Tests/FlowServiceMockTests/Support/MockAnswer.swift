import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP answer as a client sees it, with its body parsed as JSON where it is JSON.
struct MockAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer

    var data: Data {
        Data(self.body.readableBytesView)
    }

    var text: String {
        String(buffer: self.body)
    }

    var requestID: String? {
        self.header("x-request-id")
    }

    /// The first value of the header `name`.
    func header(_ name: String) -> String? {
        self.headers.first(name: name)
    }

    /// The body as a JSON object; throws when it is not one.
    func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: self.data) as? [String: Any]
        else {
            throw TestFailure("body is not a JSON object: \(self.text.prefix(200))")
        }
        return object
    }

    /// The `items` of a listing.
    func items() throws -> [[String: Any]] {
        guard let items = try self.object()["items"] as? [[String: Any]] else {
            throw TestFailure("body has no items: \(self.text.prefix(200))")
        }
        return items
    }
}
