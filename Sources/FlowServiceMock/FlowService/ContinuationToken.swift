import Foundation
import NIOCore

/// The opaque `continuationToken` of a listing: the whole query (sandbox, filters, order, page
/// size) and where the last page ended, as unpadded base64url JSON. It holds no `=` or `&`, so a
/// client may cut it out of `_links.next.href` by splitting on `=`.
struct ContinuationToken: Sendable, Equatable {
    var sandbox: String
    var properties: [String]
    var order: ConnectionOrder
    var limit: Int
    var cursor: PageCursor

    init(sandbox: String, properties: [String], order: ConnectionOrder, limit: Int, cursor: PageCursor) {
        self.sandbox = sandbox
        self.properties = properties
        self.order = order
        self.limit = limit
        self.cursor = cursor
    }

    var encoded: String {
        let json: JSONOutput = .object([
            ("s", .string(self.sandbox)),
            ("p", .array(self.properties.map(JSONOutput.string))),
            ("o", .string(self.order.rawValue)),
            ("l", .integer(Int64(self.limit))),
            ("q", .string(String(self.cursor.sequence))),
            ("n", .string(self.cursor.name)),
        ])
        return Data(json.buffer.readableBytesView).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a token; `nil` when it is not one the mock made.
    init?(encoded: String) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard
            let data = Data(base64Encoded: base64),
            case .object(let fields)? = try? JSONValue.parse(data),
            let sandbox = fields["s"]?.stringValue,
            case .array(let properties)? = fields["p"],
            let order = fields["o"]?.stringValue.flatMap(ConnectionOrder.init(rawValue:)),
            case .number(let limit)? = fields["l"], let limit = Int(exactly: limit), limit > 0,
            let sequence = fields["q"]?.stringValue.flatMap({ UInt64($0) }),
            let name = fields["n"]?.stringValue
        else { return nil }
        let propertyTexts = properties.compactMap(\.stringValue)
        guard propertyTexts.count == properties.count else { return nil }
        self.init(
            sandbox: sandbox,
            properties: propertyTexts,
            order: order,
            limit: limit,
            cursor: PageCursor(sequence: sequence, name: name)
        )
    }
}
