/// Identifiers in the shapes Adobe uses, written from random bits.
enum RandomText {
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let base64URLDigits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// A version-4 UUID in lowercase made of `high` and `low`, e.g. `9601747c-6874-4c02-bb00-5732a8c43086`.
    static func uuid(high: UInt64, low: UInt64) -> String {
        var high = high
        var low = low
        high = (high & ~0xF000) | 0x4000
        low = (low & ~(0xC << 60)) | (0x8 << 60)
        var text = [UInt8]()
        text.reserveCapacity(36)
        Self.appendHex(high >> 32, digits: 8, to: &text)
        text.append(UInt8(ascii: "-"))
        Self.appendHex(high >> 16, digits: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        Self.appendHex(high, digits: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        Self.appendHex(low >> 48, digits: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        Self.appendHex(low, digits: 12, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// An etag as Flow Service writes it, quotes included, made of `high` and `low`: `"3702dabc-0000-0200-0000-615b5b5a0000"`.
    static func etag(high: UInt64, low: UInt64) -> String {
        var text = [UInt8]()
        text.reserveCapacity(38)
        text.append(UInt8(ascii: "\""))
        Self.appendHex(high, digits: 8, to: &text)
        text.append(contentsOf: "-0000-0200-0000-".utf8)
        Self.appendHex(low, digits: 12, to: &text)
        text.append(UInt8(ascii: "\""))
        return String(decoding: text, as: UTF8.self)
    }

    /// `byteCount` random bytes in unpadded base64url.
    static func base64URL(byteCount: Int, using generator: inout some RandomNumberGenerator) -> String {
        var text = [UInt8]()
        text.reserveCapacity(byteCount * 4 / 3 + 1)
        for _ in 0..<((byteCount * 8 + 5) / 6) {
            text.append(Self.base64URLDigits[Int(generator.next() & 63)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func appendHex(_ value: UInt64, digits: Int, to text: inout [UInt8]) {
        for index in stride(from: digits - 1, through: 0, by: -1) {
            text.append(Self.hexDigits[Int((value >> UInt64(index * 4)) & 0xF)])
        }
    }
}
