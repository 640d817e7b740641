/// The rule for sandbox names: lowercase letters, digits and hyphens, starting with a letter or digit.
package enum SandboxName {
    package static func isValid(_ name: String) -> Bool {
        var copy = name
        return copy.withUTF8 { isValid($0) }
    }

    package static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, bytes.count <= Field.sandbox.maxLength, first != UInt8(ascii: "-") else {
            return false
        }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-")
        }
    }
}
