import Foundation
import NIOCore

/// The opaque `continuationToken` of a listing: the whole query (sandbox, kind, filters, order, page
/// size) and where the last page ended, as unpadded base64url JSON. It holds no `=` or `&`, so a
/// client may cut it out of `_links.next.href` by splitting on `=`.
struct ContinuationToken: Sendable, Equatable {
    var sandbox: String
    /// The listed kind's path (`connections`, `flows`, ...), so a token is not taken by another listing.
    var kind: String
    var properties: [String]
    var order: ConnectionOrder
    var limit: Int
    var cursor: PageCursor

    init(
        sandbox: String,
        kind: String = "connections",
        properties: [String],
        order: ConnectionOrder,
        limit: Int,
        cursor: PageCursor
    ) {
        self.sandbox = sandbox
        self.kind = kind
        self.properties = properties
        self.order = order
        self.limit = limit
        self.cursor = cursor
    }

    var encoded: String {
        let json: JSONOutput = .object([
            ("s", .string(self.sandbox)),
            ("k", .string(self.kind)),
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
        guard
            let data = Base64Text.decode(encoded),
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
            kind: fields["k"]?.stringValue ?? "connections",
            properties: propertyTexts,
            order: order,
            limit: limit,
            cursor: PageCursor(sequence: sequence, name: name)
        )
    }
}
