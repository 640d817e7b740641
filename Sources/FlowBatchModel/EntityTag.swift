/// An HTTP entity tag as a person reads it in a spreadsheet.
///
/// The Flow Service gives etags quoted, as HTTP writes them (`"1a00…"`); in a CSV cell those quotes
/// are doubled and the value quoted again (`"""1a00…"""`). Files flowbatch writes hold the tag
/// without its quotes; the quoted form, as the service gave it, is what `If-Match` sends.
public enum EntityTag {
    /// `tag` without the surrounding double quotes (and without a weak tag's `W/`), as CSV files hold it.
    public static func bare(_ tag: String) -> String {
        var text = Substring(tag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        return String(text)
    }
}
