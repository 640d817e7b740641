/// Header value comparisons without Foundation: media types, auth schemes, surrounding spaces.
enum MediaType {
    /// Whether the media type of the header `value` (before any `;` parameters, spaces trimmed,
    /// ASCII case ignored) is `expected`.
    static func matches(_ value: String?, _ expected: String) -> Bool {
        guard let value else { return false }
        let mediaType = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return Self.equalsIgnoringASCIICase(Self.trimmingSpaces(mediaType), expected)
    }

    static func equalsIgnoringASCIICase(_ text: some StringProtocol, _ expected: String) -> Bool {
        text.utf8.elementsEqual(expected.utf8) { Self.lowercased($0) == Self.lowercased($1) }
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmingSpaces(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return text[first...last]
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
