import FlowBatchModel

/// One data row of the input, its values as bytes sorted into fields and extra columns, without
/// copies: valid only inside the closure ``InputCursor/nextRow(_:)`` gives it to.
///
/// This is where every path (`validate`, `run`, `--dry-run`) decides whether a row's values can be
/// used at all: a row that could not be read cleanly, or that is ragged (more or fewer values than
/// the header has columns, so that its values would land in the wrong fields), has a ``problem``,
/// and then every field and extra value of it reads as empty.
public struct RawRow {
    /// The spreadsheet row number.
    public var row: Int { view.row }
    /// Why the row's values cannot be used, if they cannot.
    public let problem: CSVRecordProblem?
    /// Whether some value may hold a control character; when not, none needs checking for one.
    var mayHoldControls: Bool { view.mayHoldControls }
    /// How many values the row holds.
    public var valueCount: Int { view.count }
    /// How the header's columns map to fields.
    public let columns: ColumnMap
    private let view: CSVRecordView

    init(view: CSVRecordView, columns: ColumnMap) {
        self.view = view
        self.columns = columns
        if let problem = view.problem {
            self.problem = problem
        } else if view.count != columns.count {
            problem = CSVRecordProblem(.ragged(values: view.count, columns: columns.count))
        } else {
            problem = nil
        }
    }

    /// The bytes of `field`, exactly as written; empty when the column is absent, the cell empty or
    /// the row has a problem.
    public subscript(field: Field) -> UnsafeBufferPointer<UInt8> {
        let column = columns.column(of: field)
        return column >= 0 && problem == nil ? view[column] : UnsafeBufferPointer(start: nil, count: 0)
    }

    /// `field` as a string, exactly as written.
    public func string(_ field: Field) -> String {
        String(decoding: self[field], as: UTF8.self)
    }

    /// `field` as a string, without spaces around it.
    public func trimmedString(_ field: Field) -> String {
        String(decoding: ByteText.trimmed(self[field]), as: UTF8.self)
    }

    /// The values of the columns that fill no field, in the order of ``ColumnMap/extraColumns``, each
    /// without the guard flowbatch's results put before a formula character (the results guard it
    /// again); all empty when the row has a problem.
    public func extras() -> [String] {
        columns.extraColumns.map { problem == nil ? FormulaGuard.unguarded(view.string($0)) : "" }
    }
}
