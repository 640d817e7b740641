/// One data row of the input, its values as bytes sorted into fields and extra columns, without
/// copies: valid only inside the closure ``InputCursor/nextRow(_:)`` gives it to.
public struct RawRow {
    /// The spreadsheet row number.
    public var row: Int { view.row }
    /// Why the row could not be read cleanly, if it could not.
    public var problem: CSVRecordProblem? { view.problem }
    /// How many values the row holds.
    public var valueCount: Int { view.count }
    /// How the header's columns map to fields.
    public let columns: ColumnMap
    private let view: CSVRecordView

    init(view: CSVRecordView, columns: ColumnMap) {
        self.view = view
        self.columns = columns
    }

    /// The bytes of `field`, exactly as written; empty when the column is absent or the cell empty.
    public subscript(field: Field) -> UnsafeBufferPointer<UInt8> {
        let column = columns.column(of: field)
        return column >= 0 && column < view.count ? view[column] : UnsafeBufferPointer(start: nil, count: 0)
    }

    /// `field` as a string, exactly as written.
    public func string(_ field: Field) -> String {
        String(decoding: self[field], as: UTF8.self)
    }

    /// `field` as a string, without spaces around it.
    public func trimmedString(_ field: Field) -> String {
        String(decoding: ByteText.trimmed(self[field]), as: UTF8.self)
    }

    /// The values of the columns that fill no field, in the order of ``ColumnMap/extraColumns``.
    public func extras() -> [String] {
        columns.extraColumns.map { $0 < view.count ? view.string($0) : "" }
    }
}
