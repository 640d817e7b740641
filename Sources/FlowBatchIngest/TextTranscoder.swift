/// Turns the bytes of a file in another encoding into UTF-8, chunk by chunk: a character split
/// between two chunks (a UTF-16 code unit or surrogate pair) is kept until the next one.
struct TextTranscoder: Sendable {
    let encoding: TextEncoding
    /// UTF-16 only: decided by the first bytes.
    private var bigEndian: Bool?
    /// Bytes of a character not complete at the end of the last chunk (UTF-16: at most 3).
    private var carry: [UInt8] = []
    /// UTF-16: a high surrogate waiting for its low half.
    private var highSurrogate: UInt16?

    init(encoding: TextEncoding) {
        precondition(encoding != .utf8, "UTF-8 is read as it is")
        self.encoding = encoding
    }

    /// Whether no character is split at the end of what was transcoded: reading may start over here.
    var isAtCharacterBoundary: Bool { carry.isEmpty && highSurrogate == nil }

    /// Appends `input` as UTF-8 to `output`; with `final`, also what is left of a split character
    /// (as U+FFFD, as a lone surrogate is).
    mutating func transcode(_ input: UnsafeRawBufferPointer, final: Bool, into output: inout [UInt8]) {
        switch encoding {
        case .utf8:
            output.append(contentsOf: input)
        case .latin1, .windows1252:
            output.reserveCapacity(output.count + input.count)
            let table: [UInt32]? = encoding == .windows1252 ? Self.windows1252High : nil
            for byte in input {
                if byte < 0x80 {
                    output.append(byte)
                } else {
                    let scalar = table.map { byte < 0xA0 ? $0[Int(byte - 0x80)] : UInt32(byte) } ?? UInt32(byte)
                    Self.append(Unicode.Scalar(scalar)!, to: &output)
                }
            }
        case .utf16:
            transcodeUTF16(input, final: final, into: &output)
        }
    }

    private mutating func transcodeUTF16(_ input: UnsafeRawBufferPointer, final: Bool, into output: inout [UInt8]) {
        var bytes = carry
        bytes.append(contentsOf: input)
        carry.removeAll()
        if bigEndian == nil {
            guard bytes.count >= 2 || final else {
                carry = bytes
                return
            }
            if bytes.count >= 2 {
                // A byte-order mark says; else ASCII's zero byte comes first in big-endian.
                bigEndian =
                    bytes[0] == 0xFE && bytes[1] == 0xFF
                    || !(bytes[0] == 0xFF && bytes[1] == 0xFE) && bytes[0] == 0 && bytes[1] != 0
            }
        }
        let bigEndian = self.bigEndian ?? false
        output.reserveCapacity(output.count + bytes.count)
        var index = 0
        while index + 1 < bytes.count {
            let first = UInt16(bytes[index])
            let second = UInt16(bytes[index + 1])
            let unit: UInt16 = bigEndian ? (first << 8 | second) : (second << 8 | first)
            index += 2
            if let high = highSurrogate {
                highSurrogate = nil
                if unit >= 0xDC00, unit <= 0xDFFF {
                    let value = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
                    Self.append(Unicode.Scalar(value)!, to: &output)
                    continue
                }
                Self.append(Self.replacement, to: &output)
            }
            switch unit {
            case 0..<0x80: output.append(UInt8(unit))
            case 0xD800...0xDBFF: highSurrogate = unit
            case 0xDC00...0xDFFF: Self.append(Self.replacement, to: &output)
            default: Self.append(Unicode.Scalar(unit)!, to: &output)
            }
        }
        if index < bytes.count { carry = [bytes[index]] }
        if final {
            if highSurrogate != nil || !carry.isEmpty { Self.append(Self.replacement, to: &output) }
            highSurrogate = nil
            carry.removeAll()
        }
    }

    private static let replacement: Unicode.Scalar = "\u{FFFD}"

    private static func append(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        UTF8.encode(scalar) { output.append($0) }
    }

    /// Windows-1252's characters for 0x80–0x9F; the five bytes it leaves undefined keep their Latin-1
    /// control characters, as Windows itself maps them.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
