/// Notes about an input file as a whole, said once rather than per row.
public enum InputNotes {
    /// Said when rows are not UTF-8: one such row is a typo, many mean the file's encoding is wrong.
    public static func encoding(invalidRows: Int) -> String? {
        guard invalidRows > 0 else { return nil }
        return "\(invalidRows) row\(invalidRows == 1 ? " is" : "s are") not valid UTF-8: the file was probably saved in another"
            + " encoding (Windows-1252 or Latin-1); save it again as \"CSV UTF-8\""
    }

    /// Said when a file has a header and nothing else.
    public static let noDataRows = "the file has a header but no data rows"
}
