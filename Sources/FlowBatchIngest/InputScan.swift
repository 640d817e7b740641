import FlowBatchModel

/// A first pass over the input, before anything is sent: counts the rows (for progress), finds
/// names repeated within a sandbox (they must be known before the first of them is sent), the
/// sandboxes the rows use (whose connections are listed once at the start), and, for a file of up to
/// ``namesKept`` names, the names themselves (a big sandbox may be cheaper to ask for them, several
/// look-ups at a time, than to list page after page).
///
/// Costs one extra read of the file (about a second per million rows) and bounded memory (the names
/// kept: about 3 MB at most).
public struct InputScan: Sendable {
    /// Data rows, after `--limit`.
    public var rows: Int
    /// Rows repeating an earlier row's name in the same sandbox.
    public var duplicates: DuplicateNames
    /// The sandboxes the rows use, sorted.
    public var sandboxes: [String]
    /// The names of each sandbox's rows, while there are at most ``namesKept`` in all; `nil`
    /// beyond (the bound on what the scan holds; a file that large is rarely smaller than its sandbox).
    public var names: [String: [String]]?

    /// Rows whose name differs from an earlier row's in the same sandbox only in case, spacing or Unicode form.
    public var nearDuplicates: [DuplicateNames.Duplicate] = []
    /// Data rows after the first `--limit` rows, counted, not read further: what a canary left.
    public var unread = 0

    /// What `run` and `--dry-run` say at the start about ``nearDuplicates``: a warning per row, the
    /// first ten of them, then how many more (`validate` lists them all).
    public var nearDuplicateWarnings: [String] {
        var lines = nearDuplicates.prefix(10).map { "warning: row \($0.row): name: \($0.nearDuplicateMessage)" }
        if nearDuplicates.count > 10 {
            lines.append(
                "warning: \(nearDuplicates.count - 10) more rows have a near-duplicate name; flowbatch validate lists them all"
            )
        }
        return lines
    }

    /// The most names ``names`` keeps.
    public static let namesKept = 50_000

    /// Reads `cursor` to its end (or `limit` rows) and leaves it there.
    public static func run(_ cursor: inout InputCursor, validator: RowValidator, limit: Int?) throws -> InputScan {
        let names = DuplicateNameFinder()
        let nearNames = NearDuplicateFinder()
        var sandboxes: Set<String> = []
        var kept: [String: Set<String>]? = [:]
        var keptCount = 0
        var rows = 0
        while rows < limit ?? .max {
            let more: Void? = try cursor.nextRow { row in
                // A row that cannot be read cleanly or is ragged is invalid: none of its values count.
                guard row.problem == nil else { return }
                try validator.nameKey(row) { sandbox, name in
                    if SandboxName.isValid(sandbox), sandboxes.count < 10_000 {
                        sandboxes.insert(String(decoding: sandbox, as: UTF8.self))
                    }
                    guard !name.isEmpty else { return }
                    try names.add(sandbox: sandbox, name: name, row: row.row)
                    try nearNames.add(sandbox: sandbox, name: name, row: row.row)
                    if kept != nil, SandboxName.isValid(sandbox) {
                        let key = String(decoding: sandbox, as: UTF8.self)
                        if kept![key, default: []].insert(String(decoding: name, as: UTF8.self)).inserted {
                            keptCount += 1
                            if keptCount > namesKept { kept = nil }
                        }
                    }
                }
            }
            guard more != nil else { break }
            rows += 1
        }
        let exact = try names.finish()
        var scan = InputScan(
            rows: rows,
            duplicates: exact,
            sandboxes: sandboxes.sorted(),
            names: kept?.mapValues { $0.sorted() }
        )
        scan.nearDuplicates = try nearNames.finish(exact: exact)
        if let limit, rows == limit {
            while try cursor.nextRow({ _ in }) != nil { scan.unread += 1 }
        }
        return scan
    }
}
