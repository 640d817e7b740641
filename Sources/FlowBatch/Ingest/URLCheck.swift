/// Checks that a value is an absolute `http` or `https` URL with a host, and no user name or password.
///
/// Works on the UTF-8 bytes: it runs for every URL of every row.
enum URLCheck {
    /// Why `value` is not acceptable, or `nil` when it is.
    static func problem(with value: String) -> String? {
        var bytes = value
        return bytes.withUTF8 { problem(with: $0) }
    }

    /// Why the URL in `bytes` is not acceptable, or `nil` when it is; the value is turned into text
    /// only for the message.
    static func problem(with bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var shown: String { String(decoding: bytes, as: UTF8.self) }
        return problem(bytes: bytes, shown: { shown })
    }

    private static func problem(bytes: UnsafeBufferPointer<UInt8>, shown: () -> String) -> String? {
        let colon = UInt8(ascii: ":")
        let slash = UInt8(ascii: "/")
        // Where the authority starts: after "://" if there is one (a scheme is checked below).
        var authorityStart = 0
        if let schemeEnd = firstIndex(of: colon, in: bytes, from: 0, to: bytes.count),
            schemeEnd + 2 < bytes.count, bytes[schemeEnd + 1] == slash, bytes[schemeEnd + 2] == slash
        {
            authorityStart = schemeEnd + 3
        }
        var authorityEnd = authorityStart
        while authorityEnd < bytes.count {
            let byte = bytes[authorityEnd]
            if byte == slash || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            authorityEnd += 1
        }
        if firstIndex(of: UInt8(ascii: "@"), in: bytes, from: authorityStart, to: authorityEnd) != nil {
            // Never echo such a value: the part before '@' may be a password.
            return "the URL holds a user name or password; put them in the username and password columns"
        }
        let isHTTPS = hasPrefix(bytes, "https://")
        guard isHTTPS || hasPrefix(bytes, "http://") else {
            return "'\(shown())' is not an absolute http(s) URL; write it as https://host/..."
        }
        if bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            return "a URL may not contain spaces or control characters"
        }
        var hostStart = authorityStart
        var hostEnd = authorityEnd
        var portStart: Int?
        if hostStart < hostEnd, bytes[hostStart] == UInt8(ascii: "[") {
            guard let close = firstIndex(of: UInt8(ascii: "]"), in: bytes, from: hostStart, to: hostEnd) else {
                return "'\(shown())' has a broken IPv6 address"
            }
            if close + 1 < hostEnd {
                guard bytes[close + 1] == colon else { return "'\(shown())' has a broken IPv6 address" }
                portStart = close + 2
            }
            hostStart += 1
            hostEnd = close
        } else if let lastColon = lastIndex(of: colon, in: bytes, from: hostStart, to: hostEnd) {
            portStart = lastColon + 1
            hostEnd = lastColon
        }
        if hostStart >= hostEnd {
            return "'\(shown())' has no host name"
        }
        for index in hostStart..<hostEnd {
            switch bytes[index] {
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"),
                UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "`"):
                return "'\(shown())' has characters a host name cannot hold"
            default:
                continue
            }
        }
        if let portStart {
            var number = 0
            var digits = 0
            for index in portStart..<authorityEnd {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 6 else {
                    return "'\(shown())' has an invalid port"
                }
                number = number * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            }
            guard digits > 0, (1...65535).contains(number) else { return "'\(shown())' has an invalid port" }
        }
        return nil
    }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        for index in 0..<expected.count {
            var byte = bytes[index]
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
            if byte != expected[index] { return false }
        }
        return true
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    private static func lastIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = end - 1
        while index >= start {
            if bytes[index] == byte { return index }
            index -= 1
        }
        return nil
    }
}
