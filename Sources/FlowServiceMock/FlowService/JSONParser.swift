/// A recursive-descent JSON parser over raw bytes.
struct JSONParser {
    private static let maximumDepth = 64

    let bytes: UnsafeRawBufferPointer
    var index = 0
    var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        let value = try self.parseValue()
        self.skipWhitespace()
        guard self.index == self.bytes.count else { throw self.error("unexpected data after the value") }
        return value
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        self.skipWhitespace()
        guard let byte = self.peek() else { throw self.error("unexpected end of data") }
        switch byte {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): return try self.parseLiteral("true", value: .bool(true))
        case UInt8(ascii: "f"): return try self.parseLiteral("false", value: .bool(false))
        case UInt8(ascii: "n"): return try self.parseLiteral("null", value: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.parseNumber()
        default: throw self.error("unexpected character")
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try self.enter()
        self.index += 1
        var object: [String: JSONValue] = [:]
        self.skipWhitespace()
        if self.peek() == UInt8(ascii: "}") {
            self.index += 1
            self.depth -= 1
            return .object(object)
        }
        while true {
            self.skipWhitespace()
            guard self.peek() == UInt8(ascii: "\"") else { throw self.error("expected a string key") }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.peek() == UInt8(ascii: ":") else { throw self.error("expected ':'") }
            self.index += 1
            object[key] = try self.parseValue()
            self.skipWhitespace()
            switch self.peek() {
            case UInt8(ascii: ","):
                self.index += 1
            case UInt8(ascii: "}"):
                self.index += 1
                self.depth -= 1
                return .object(object)
            default:
                throw self.error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try self.enter()
        self.index += 1
        var array: [JSONValue] = []
        self.skipWhitespace()
        if self.peek() == UInt8(ascii: "]") {
            self.index += 1
            self.depth -= 1
            return .array(array)
        }
        while true {
            array.append(try self.parseValue())
            self.skipWhitespace()
            switch self.peek() {
            case UInt8(ascii: ","):
                self.index += 1
            case UInt8(ascii: "]"):
                self.index += 1
                self.depth -= 1
                return .array(array)
            default:
                throw self.error("expected ',' or ']'")
            }
        }
    }

    /// Parses a string starting at its opening quote; leaves the index after the closing quote.
    private mutating func parseString() throws(JSONSyntaxError) -> String {
        self.index += 1
        let start = self.index
        while let byte = self.peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw self.error("control character in a string") }
            self.index += 1
        }
        guard let stop = self.peek() else { throw self.error("unterminated string") }
        if stop == UInt8(ascii: "\"") {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
            self.index += 1
            return text
        }
        var scalars = Array(UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]))
        while true {
            guard let byte = self.peek() else { throw self.error("unterminated string") }
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try self.parseEscape(into: &scalars)
            case ..<0x20:
                throw self.error("control character in a string")
            default:
                scalars.append(byte)
            }
        }
    }

    private mutating func parseEscape(into text: inout [UInt8]) throws(JSONSyntaxError) {
        guard let byte = self.peek() else { throw self.error("unterminated escape") }
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try self.parseHex4())
            if (0xD800..<0xDC00).contains(scalar), self.peek() == UInt8(ascii: "\\"),
                self.index + 1 < self.bytes.count, self.bytes[self.index + 1] == UInt8(ascii: "u")
            {
                self.index += 2
                let low = UInt32(try self.parseHex4())
                if (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    Self.append(Self.replacement, to: &text)
                    scalar = low
                }
            }
            Self.append(Unicode.Scalar(scalar) ?? Self.replacement, to: &text)
        default:
            throw self.error("invalid escape")
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt16 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("short \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.error("invalid \\u escape")
            }
            value = value << 4 | UInt16(digit)
            self.index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = self.index
        if self.peek() == UInt8(ascii: "-") {
            self.index += 1
        }
        switch self.peek() ?? 0 {
        case UInt8(ascii: "0"):
            self.index += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            self.skipDigits()
        default:
            throw self.error("invalid number")
        }
        if self.peek() == UInt8(ascii: ".") {
            self.index += 1
            guard self.skipDigits() else { throw self.error("invalid number") }
        }
        if self.peek() == UInt8(ascii: "e") || self.peek() == UInt8(ascii: "E") {
            self.index += 1
            if self.peek() == UInt8(ascii: "+") || self.peek() == UInt8(ascii: "-") {
                self.index += 1
            }
            guard self.skipDigits() else { throw self.error("invalid number") }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
        guard let value = Double(text) else { throw self.error("invalid number") }
        return .number(value)
    }

    private mutating func parseLiteral(_ literal: StaticString, value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw self.error("unexpected end of data") }
        for offset in 0..<count where self.bytes[self.index + offset] != literal.utf8Start[offset] {
            throw self.error("unexpected character")
        }
        self.index += count
        return value
    }

    /// Skips ASCII digits; whether there was at least one.
    @discardableResult
    private mutating func skipDigits() -> Bool {
        let start = self.index
        while let byte = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            self.index += 1
        }
        return self.index > start
    }

    private mutating func skipWhitespace() {
        while let byte = self.peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
        {
            self.index += 1
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        self.depth += 1
        guard self.depth <= Self.maximumDepth else { throw self.error("nested too deeply") }
    }

    private func peek() -> UInt8? {
        self.index < self.bytes.count ? self.bytes[self.index] : nil
    }

    private func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: self.index, reason: reason)
    }

    private static let replacement: Unicode.Scalar = "\u{FFFD}"

    private static func append(_ scalar: Unicode.Scalar, to text: inout [UInt8]) {
        UTF8.encode(scalar) { text.append($0) }
    }
}
