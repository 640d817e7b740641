/// Name–value pairs of a query string or an `application/x-www-form-urlencoded` body, decoded as
/// browsers and Python's `urlencode` write them: `+` is a space, `%XX` a byte; a malformed
/// escape is kept as written.
struct URLFormFields: Sendable, Equatable {
    private(set) var pairs: [(name: String, value: String)]

    init(_ text: some StringProtocol) {
        self.pairs = text.utf8.split(separator: UInt8(ascii: "&")).map { field in
            let parts = field.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The first value given for `name`.
    subscript(name: String) -> String? {
        self.pairs.first { $0.name == name }?.value
    }

    /// Every value given for `name`, in order.
    func all(_ name: String) -> [String] {
        self.pairs.filter { $0.name == name }.map(\.value)
    }

    func contains(_ name: String) -> Bool {
        self.pairs.contains { $0.name == name }
    }

    static func == (lhs: URLFormFields, rhs: URLFormFields) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    private static func decode(_ bytes: some Collection<UInt8>) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                decoded.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let high = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex), high != bytes.endIndex,
                let low = bytes.index(high, offsetBy: 1, limitedBy: bytes.endIndex), low != bytes.endIndex,
                let highValue = Self.hexValue(bytes[high]), let lowValue = Self.hexValue(bytes[low])
            {
                decoded.append(highValue << 4 | lowValue)
                index = low
            } else {
                decoded.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
