import Testing

@testable import FlowServiceMock

@Suite("Request body JSON parsing", .timeLimit(.minutes(3)))
struct JSONValueTests {
    static func parse(_ text: String) throws -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    @Test("Objects, arrays, strings, numbers, booleans and null parse as RFC 8259 says")
    func parsesDocuments() throws {
        let value = try Self.parse(
            #" { "a" : [1, -2.5e3, 0, true, false, null], "b": {"c": "d"}, "e": "", "a2": {} , "a3": [] } "#
        )
        #expect(
            value
                == .object([
                    "a": .array([.number(1), .number(-2500), .number(0), .bool(true), .bool(false), .null]),
                    "b": .object(["c": .string("d")]),
                    "e": .string(""),
                    "a2": .object([:]),
                    "a3": .array([]),
                ])
        )
    }

    @Test("Escapes decode, surrogate pairs included; raw UTF-8 passes through")
    func decodesEscapes() throws {
        let value = try Self.parse(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d", "\ud83d\ude00", "café 中", "\ud800x"]"#)
        #expect(
            value
                == .array([
                    .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"), .string("é中"), .string("😀"), .string("café 中"),
                    .string("\u{FFFD}x"),
                ])
        )
    }

    @Test("The last of repeated keys wins")
    func repeatedKeys() throws {
        #expect(try Self.parse(#"{"a": 1, "a": 2}"#) == .object(["a": .number(2)]))
    }

    @Test(
        "Malformed documents are refused",
        arguments: [
            "", " ", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a: 1}", "01", "1.", ".5", "-", "1e", "+1", "tru",
            "nul", "\"abc", "\"a\tb\"", "\"\\x\"", "\"\\u12\"", "{} {}", "[1] x", "{\"a\":1,}", "'a'", "NaN",
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        ]
    )
    func refusesMalformed(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try Self.parse(text) }
    }
}
