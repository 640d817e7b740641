import Foundation
import NIOCore
import Testing

@testable import FlowServiceMock

@Suite("Answer JSON writing", .timeLimit(.minutes(3)))
struct JSONOutputTests {
    @Test("Strings are escaped so that any text round-trips, keys keep their order")
    func escapesAndOrders() throws {
        let tricky = "quote \" backslash \\ slash / newline \n tab \t bell \u{07} nul \u{0} é 中 😀 \"\\\""
        let output: JSONOutput = .object([
            ("z", .string(tricky)), ("a", .integer(-42)), ("m", .array([.bool(true), .bool(false), .null])),
            ("o", .object([])),
        ])
        let buffer = output.buffer
        let text = String(buffer: buffer)
        #expect(text.hasPrefix(#"{"z":"quote \" backslash \\ slash / newline \n tab \t bell \u0007 nul \u0000"#))
        #expect(text.hasSuffix(#","a":-42,"m":[true,false,null],"o":{}}"#))
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        )
        #expect(parsed["z"] as? String == tricky)
        #expect(
            try JSONValue.parse(buffer.readableBytesView)
                == .object([
                    "z": .string(tricky), "a": .number(-42), "m": .array([.bool(true), .bool(false), .null]),
                    "o": .object([:]),
                ])
        )
    }
}
