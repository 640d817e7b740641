import FlowBatchModel

/// Checks that a value is an absolute `http` or `https` URL with a host, and no user name or password.
///
/// Works on the UTF-8 bytes in one pass: it runs for every URL of every row.
enum URLCheck {
    /// Why `value` is not acceptable, or `nil` when it is.
    static func problem(with value: String) -> String? {
        var bytes = value
        return bytes.withUTF8 { problem(with: $0) }
    }

    /// Why the URL in `bytes` is not acceptable, or `nil` when it is; the value becomes text only for
    /// the message.
    static func problem(with bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let reason = reason(bytes) else { return nil }
        // A value with an '@' anywhere is never echoed: a mistyped scheme ("https:/user:pass@host")
        // hides where the authority ends, and the part before '@' may be a password.
        // A secret in its query string is masked (``URLSecrets``).
        let shown =
            bytes.contains(UInt8(ascii: "@"))
            ? "the URL" : "'\(URLSecrets.masked(String(decoding: bytes, as: UTF8.self)))'"
        switch reason {
        case .credentials:
            return "the URL holds a user name or password; put them in the username and password columns"
        case .notHTTP: return "\(shown) is not an absolute http(s) URL; write it as https://host/..."
        case .spaceOrControl: return "a URL may not contain spaces or control characters"
        case .brokenIPv6: return "\(shown) has a broken IPv6 address"
        case .noHost: return "\(shown) has no host name"
        case .badHostCharacter: return "\(shown) has characters a host name cannot hold"
        case .badPort: return "\(shown) has an invalid port"
        }
    }

    private enum Reason {
        case credentials, notHTTP, spaceOrControl, brokenIPv6, noHost, badHostCharacter, badPort
    }

    private static func reason(_ bytes: UnsafeBufferPointer<UInt8>) -> Reason? {
        let count = bytes.count
        // The authority starts after "://" when the value has one (a scheme is checked after the
        // check for credentials, so that a value holding a password is never echoed).
        var authorityStart = 0
        var index = 0
        while index < count, index < 16 {
            if bytes[index] == UInt8(ascii: ":") {
                if index + 2 < count, bytes[index + 1] == UInt8(ascii: "/"), bytes[index + 2] == UInt8(ascii: "/") {
                    authorityStart = index + 3
                }
                break
            }
            index += 1
        }
        var authorityEnd = count
        var at = false
        var lastColon = -1
        var closeBracket = -1
        var badHostCharacter = false
        var spaceOrControl = false
        index = authorityStart
        while index < count {
            let byte = bytes[index]
            if isMarked(byte) {
                if byte <= 0x20 || byte == 0x7F { spaceOrControl = true }
                if authorityEnd == count {
                    switch byte {
                    case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): authorityEnd = index
                    case UInt8(ascii: "@"): at = true
                    case UInt8(ascii: ":"): lastColon = index
                    case UInt8(ascii: "]"): closeBracket = index
                    case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"),
                        UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "`"):
                        badHostCharacter = true
                    default: break
                    }
                }
            }
            index += 1
        }
        if at { return .credentials }
        guard hasPrefix(bytes, "https://") || hasPrefix(bytes, "http://") else { return .notHTTP }
        if spaceOrControl || bytes[..<authorityStart].contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            return .spaceOrControl
        }
        var hostStart = authorityStart
        var hostEnd = authorityEnd
        var portStart = -1
        if hostStart < hostEnd, bytes[hostStart] == UInt8(ascii: "[") {
            guard closeBracket > hostStart else { return .brokenIPv6 }
            if closeBracket + 1 < authorityEnd {
                guard bytes[closeBracket + 1] == UInt8(ascii: ":") else { return .brokenIPv6 }
                portStart = closeBracket + 2
            }
            hostStart += 1
            hostEnd = closeBracket
        } else if lastColon >= 0 {
            portStart = lastColon + 1
            hostEnd = lastColon
        }
        if hostStart >= hostEnd { return .noHost }
        if badHostCharacter { return .badHostCharacter }
        if portStart >= 0 {
            var number = 0
            var digits = 0
            for index in portStart..<authorityEnd {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 6 else { return .badPort }
                number = number * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            }
            guard digits > 0, (1...65535).contains(number) else { return .badPort }
        }
        return nil
    }

    /// Whether `byte` is one the loop over the URL must look at: a control character, space or DEL, or
    /// one of the characters the authority's checks name; two 64-bit masks, as nearly no byte of a
    /// URL is one of them.
    private static func isMarked(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0xD400_800D_FFFF_FFFF  // 0x00-0x20 and " # / : < > ?
        let high: UInt64 = 0xB800_0001_7000_0001  // @ \ ] ^ ` { | } and DEL
        return byte < 64 ? (low >> byte) & 1 != 0 : byte < 128 ? (high >> (byte &- 64)) & 1 != 0 : false
    }

    /// Whether `bytes` start with `prefix`, ignoring ASCII case.
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
}
