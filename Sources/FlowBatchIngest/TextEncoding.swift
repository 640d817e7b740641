/// How an input file is encoded (`--encoding`). Anything but UTF-8 is transcoded to UTF-8 as it is
/// read (``TextTranscoder``), so the rest of flowbatch only ever sees UTF-8.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, with or without a byte-order mark: read as it is.
    case utf8 = "utf-8"
    /// Windows code page 1252, what Excel's plain "CSV (Comma delimited)" writes on Western systems.
    case windows1252 = "windows-1252"
    /// ISO-8859-1.
    case latin1 = "latin-1"
    /// UTF-16, little- or big-endian by its byte-order mark; without one, by where the zero bytes
    /// of ASCII characters fall (little-endian when it cannot be told).
    case utf16 = "utf-16"

    /// Parses an `--encoding` value; accepts common spellings (`UTF8`, `cp1252`, `iso-8859-1`, `utf-16le`).
    public init?(option: String) {
        let folded = String(option.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
        switch folded {
        case "utf8": self = .utf8
        case "windows1252", "cp1252", "win1252": self = .windows1252
        case "latin1", "iso88591", "l1": self = .latin1
        case "utf16", "utf16le", "utf16be", "unicode": self = .utf16
        default: return nil
        }
    }

    /// What the bytes of a record that is not valid UTF-8 most likely are, for the message that
    /// refuses the file: UTF-16 when zero bytes sit between ASCII letters; Windows-1252 when a byte
    /// 0x80–0x9F occurs (Latin-1 has only invisible control characters there); else either.
    static func guess(notUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Guess {
        var zeros = 0
        var c1 = false
        for byte in bytes {
            if byte == 0 { zeros += 1 }
            if byte >= 0x80, byte <= 0x9F { c1 = true }
        }
        if zeros > 0, zeros * 4 >= bytes.count { return .utf16 }
        return c1 ? .windows1252 : .windows1252OrLatin1
    }

    /// What a file that is not UTF-8 looks like.
    public enum Guess: Sendable, Equatable, CustomStringConvertible {
        case windows1252
        case windows1252OrLatin1
        case utf16

        public var description: String {
            switch self {
            case .windows1252: "Windows-1252 (what Excel's plain \"CSV (Comma delimited)\" writes)"
            case .windows1252OrLatin1: "Windows-1252 or Latin-1 (what Excel's plain \"CSV (Comma delimited)\" writes)"
            case .utf16: "UTF-16 (what \"Unicode Text\" exports write)"
            }
        }

        /// The `--encoding` that reads it.
        public var encoding: TextEncoding {
            self == .utf16 ? .utf16 : .windows1252
        }
    }
}
