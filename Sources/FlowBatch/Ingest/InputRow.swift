/// One data row of the input, its values sorted into fields and extra columns.
public struct InputRow: Sendable {
    /// The spreadsheet row number.
    public var row: Int
    /// The values of the mapped fields, exactly as written; empty where the column is absent.
    public var values: FieldValues
    /// The values of the columns that fill no field, in the order of ``ColumnMap/extraColumns``;
    /// missing trailing values are empty.
    public var extras: [String]
    /// How many values the row holds.
    public var valueCount: Int
    /// Why the row could not be read cleanly, if it could not.
    public var problem: CSVRecordProblem?

    public init(row: Int, values: FieldValues, extras: [String], valueCount: Int, problem: CSVRecordProblem? = nil) {
        self.row = row
        self.values = values
        self.extras = extras
        self.valueCount = valueCount
        self.problem = problem
    }

    /// The value of `field`, or an empty string when the column is absent or the cell empty.
    public subscript(field: Field) -> String {
        values[field]
    }
}
