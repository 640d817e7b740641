import Foundation
import NIOCore

/// The opaque `continuationToken` of a listing: the whole query (sandbox, filters, order, page
/// size) and where the last page ended, as unpadded base64url JSON. It holds no `=` or `&`, so a
/// client may cut it out of `_links.next.href` by splitting on `=`.
struct ContinuationToken: Codable, Sendable, Equatable {
    var sandbox: String
    var properties: [String]
    var order: ConnectionOrder
    var limit: Int
    var cursor: PageCursor

    var encoded: String {
        let data = JSONAnswer.encode(self)
        return Data(data.readableBytesView).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(sandbox: String, properties: [String], order: ConnectionOrder, limit: Int, cursor: PageCursor) {
        self.sandbox = sandbox
        self.properties = properties
        self.order = order
        self.limit = limit
        self.cursor = cursor
    }

    /// Decodes a token; `nil` when it is not one the mock made.
    init?(encoded: String) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard
            let data = Data(base64Encoded: base64),
            let token = try? JSONDecoder().decode(ContinuationToken.self, from: data)
        else { return nil }
        self = token
    }
}
