/// What the first bytes of an input say before any of it is parsed: a workbook passed by mistake,
/// or a byte-order mark (or UTF-16's zero bytes) that contradicts `--encoding`.
enum FileSniff {
    /// The problem with a file that begins with `prefix` (its first 8 bytes, or all of a shorter
    /// file), read as `encoding`; `nil` when it may be read.
    static func problem(prefix: [UInt8], encoding: TextEncoding) -> CSVFileError.Code? {
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return .workbook(kind: "an .xlsx or .ods workbook (a ZIP archive)")
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
        return nil
    }

    /// Two ASCII characters in UTF-16, either way round: a zero byte beside each.
    private static func looksLikeUTF16(_ prefix: [UInt8]) -> Bool {
        guard prefix.count >= 4 else { return false }
        let littleEndian = prefix[0] != 0 && prefix[1] == 0 && prefix[2] != 0 && prefix[3] == 0
        let bigEndian = prefix[0] == 0 && prefix[1] != 0 && prefix[2] == 0 && prefix[3] != 0
        return littleEndian || bigEndian
    }
}
