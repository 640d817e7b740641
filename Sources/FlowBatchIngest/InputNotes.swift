/// Notes about an input file as a whole, said once rather than per row.
public enum InputNotes {
    /// Said when a file has a header and nothing else.
    public static let noDataRows = "the file has a header but no data rows"
}
