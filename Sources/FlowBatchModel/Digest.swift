import Crypto

/// SHA-256 and HMAC-SHA-256 for the journal's fingerprints and key ID, from swift-crypto: no
/// hand-written cryptography. The outputs are the standard ones, so journals written before stay
/// readable.
package enum Digest {
    package static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    package static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Keyed(key: key).code(for: message)
    }

    /// HMAC-SHA-256 under one key for many messages: the key's inner and outer blocks are hashed
    /// once, not once per row.
    package struct Keyed: Sendable {
        private let keyed: HMAC<SHA256>

        package init(key: [UInt8]) {
            keyed = HMAC<SHA256>(key: SymmetricKey(data: key))
        }

        package func code(for message: [UInt8]) -> [UInt8] {
            var hmac = keyed
            hmac.update(data: message)
            return Array(hmac.finalize())
        }
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hexadecimal.
    package var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
