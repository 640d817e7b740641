/// One record of a CSV file, as the spreadsheet shows it: its row number and its values.
///
/// A record that could not be read cleanly still comes out, with ``problem`` set and
/// ``fields`` holding what was read before the problem (with invalid UTF-8 repaired),
/// so that one broken row never hides the rows around it.
public struct CSVRecord: Sendable, Equatable {
    /// The spreadsheet row number where the record starts: the first line of the file is row 1,
    /// blank lines count, and a quoted value with line breaks does not start new rows.
    public var row: Int

    /// The values exactly as written, without the quotes that enclosed them.
    public var fields: [String]

    /// Why the record could not be read cleanly, or `nil` when it was.
    public var problem: CSVRecordProblem?

    /// Creates a record.
    public init(row: Int, fields: [String], problem: CSVRecordProblem? = nil) {
        self.row = row
        self.fields = fields
        self.problem = problem
    }

    /// Whether every value is empty (a spreadsheet row with nothing filled in).
    public var isEmpty: Bool {
        fields.allSatisfy(\.isEmpty)
    }
}
