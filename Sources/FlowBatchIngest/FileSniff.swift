/// What the first bytes of an input say before any of it is parsed: a workbook passed by mistake,
/// or a byte-order mark (or UTF-16's zero bytes) that contradicts `--encoding`.
enum FileSniff {
    /// Bytes ``problem(prefix:encoding:path:)`` looks at.
    static let prefixLength = 64

    /// The problem with a file that begins with `prefix` (its first ``prefixLength`` bytes, or all of a
    /// shorter file), read as `encoding`; `nil` when it may be read. `path` tells a Numbers document.
    static func problem(prefix: [UInt8], encoding: TextEncoding, path: String = "") -> CSVFileError.Code? {
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return zipKind(prefix, path: path)
        }
        if prefix.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            return .workbook(kind: "an .xls workbook")
        }
        if prefix.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || prefix.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            return .unsupportedEncoding("UTF-32")
        }
        let utf16BOM = prefix.starts(with: [0xFF, 0xFE]) || prefix.starts(with: [0xFE, 0xFF])
        if encoding != .utf16 {
            if utf16BOM { return .otherEncoding(found: "UTF-16 (it begins with a byte-order mark)", option: .utf16) }
            if looksLikeUTF16(prefix) {
                return .otherEncoding(found: "UTF-16 (without a byte-order mark)", option: .utf16)
            }
        }
        if encoding == .utf16, !utf16BOM, prefix.count >= 4, !looksLikeUTF16(prefix) {
            return .otherEncoding(found: "not UTF-16 (it has neither a byte-order mark nor zero bytes)", option: .utf8)
        }
        if encoding != .utf8, prefix.starts(with: [0xEF, 0xBB, 0xBF]) {
            return .otherEncoding(found: "UTF-8 (it begins with a UTF-8 byte-order mark)", option: .utf8)
        }
        if encoding == .utf8, looksLikeJSON(prefix) { return .json }
        return nil
    }

    /// What a ZIP archive is, from the name of its first entry (at byte 30 of the local file header):
    /// Numbers' `Index/…` (or a `.numbers` path), an `.ods` `mimetype`, else an `.xlsx` workbook.
    private static func zipKind(_ prefix: [UInt8], path: String) -> CSVFileError.Code {
        let nameLength = prefix.count >= 28 ? Int(prefix[26]) | Int(prefix[27]) << 8 : 0
        let name = String(decoding: prefix.dropFirst(30).prefix(nameLength), as: UTF8.self)
        if path.lowercased().hasSuffix(".numbers") || name.hasPrefix("Index/") || name.hasPrefix("Metadata/") {
            return .numbers
        }
        if name == "mimetype" { return .workbook(kind: "an .ods spreadsheet (a ZIP archive)") }
        return .workbook(kind: "an .xlsx or .ods workbook (a ZIP archive)")
    }

    /// A JSON object or array: `{` then `"` or `}`, or `[` then a value, after a byte-order mark and white space.
    private static func looksLikeJSON(_ prefix: [UInt8]) -> Bool {
        let text = prefix.starts(with: [0xEF, 0xBB, 0xBF]) ? prefix.dropFirst(3) : prefix[...]
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let significant = text.filter { !isSpace($0) }
        guard let first = significant.first, significant.count >= 2 else { return false }
        let second = significant[significant.index(after: significant.startIndex)]
        switch first {
        case UInt8(ascii: "{"): return second == UInt8(ascii: "\"") || second == UInt8(ascii: "}")
        case UInt8(ascii: "["): return Array("{[\"]".utf8).contains(second)
        default: return false
        }
    }

    /// Two ASCII characters in UTF-16, either way round: a zero byte beside each.
    private static func looksLikeUTF16(_ prefix: [UInt8]) -> Bool {
        guard prefix.count >= 4 else { return false }
        let littleEndian = prefix[0] != 0 && prefix[1] == 0 && prefix[2] != 0 && prefix[3] == 0
        let bigEndian = prefix[0] == 0 && prefix[1] != 0 && prefix[2] == 0 && prefix[3] != 0
        return littleEndian || bigEndian
    }
}
