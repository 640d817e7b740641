import FlowBatchModel

/// A first pass over the input, before anything is sent: counts the rows (for progress), finds
/// names repeated within a sandbox (they must be known before the first of them is sent), and the
/// sandboxes the rows use (whose connections are listed once at the start).
///
/// Costs one extra read of the file (about a second per million rows) and constant memory.
public struct InputScan: Sendable {
    /// Data rows, after `--limit`.
    public var rows: Int
    /// Rows repeating an earlier row's name in the same sandbox.
    public var duplicates: DuplicateNames
    /// The sandboxes the rows use, sorted.
    public var sandboxes: [String]

    /// Reads `cursor` to its end (or `limit` rows) and leaves it there.
    public static func run(_ cursor: inout InputCursor, validator: RowValidator, limit: Int?) throws -> InputScan {
        let names = DuplicateNameFinder()
        var sandboxes: Set<String> = []
        var rows = 0
        while rows < limit ?? .max {
            let more: Void? = try cursor.nextRow { row in
                // A row that cannot be read cleanly or is ragged is invalid: none of its values count.
                guard row.problem == nil else { return }
                try validator.nameKey(row) { sandbox, name in
                    if SandboxName.isValid(sandbox), sandboxes.count < 10_000 {
                        sandboxes.insert(String(decoding: sandbox, as: UTF8.self))
                    }
                    if !name.isEmpty { try names.add(sandbox: sandbox, name: name, row: row.row) }
                }
            }
            guard more != nil else { break }
            rows += 1
        }
        return InputScan(
            rows: rows,
            duplicates: try names.finish(),
            sandboxes: sandboxes.sorted()
        )
    }
}
