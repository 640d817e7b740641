import FlowBatchModel

/// How the columns of an input file map to fields: by header, ignoring case, spaces, `_` and `-`,
/// or by an explicit `--column 'Header=field'`. Columns that map to no field are carried into the
/// results unchanged, except those whose header looks like it holds a secret (``SecretHeader``: a
/// `Pass`, `PIN`, `Kennwort` or `Private Key` column, a `Password` column that `--column
/// 'Pwd=password'` displaced): those are withheld. `--carry` and `--no-carry` decide explicitly.
///
/// A class, not a struct: every row refers to it, and one reference is cheaper to pass around than
/// the arrays it holds.
public final class ColumnMap: Sendable, Equatable {
    /// One column of the header.
    public struct Column: Sendable, Equatable {
        /// Zero-based position.
        public var index: Int
        /// The header text as written.
        public var header: String
        /// The field it fills, or `nil` for a column carried into the results.
        public var field: Field?
    }

    /// Every column, in file order.
    public let columns: [Column]
    /// The column of each mapped field.
    public let fieldColumns: [Field: Int]
    /// The columns that fill no field and are carried into the results, in file order.
    public let extraColumns: [Int]
    /// The columns that fill no field and are neither sent nor carried: their header looks like a
    /// secret, or `--no-carry` names them.
    public let withheldColumns: [Int]
    /// How many columns the header has: a row with another number of values is ragged.
    public let count: Int
    /// The columns `--no-carry` withholds.
    private let withheldByOption: Set<Int>
    /// The column of each field by ``Field/ordinal``, or -1: read for every value of every row.
    private let columnByOrdinal: [Int]

    /// Maps `header` to fields, applying `overrides` (header text → field) first; `carry` and
    /// `noCarry` (headers) decide which of the other columns are carried into the results.
    ///
    /// Throws when two columns give the same field, when an override, `carry` or `noCarry` names a
    /// header the file does not have, when `carry` names a column that is sent, or when no column
    /// gives `name`. The `dropped` columns (an empty header over empty cells) are neither sent,
    /// carried nor mentioned.
    public init(
        header: [String],
        overrides: [ColumnOverride] = [],
        carry: [String] = [],
        noCarry: [String] = [],
        dropped: Set<Int> = []
    ) throws(InputError) {
        var columns = header.enumerated().map { Column(index: $0, header: $1, field: nil) }
        var claimedBy: [Field: Int] = [:]
        for override in overrides {
            guard let index = Self.index(of: override.header, in: header) else {
                throw InputError(.unknownOverrideHeader(override: override.text, headers: header))
            }
            if let earlier = claimedBy[override.field], earlier != index {
                throw InputError(
                    .fieldGivenTwice(
                        field: override.field,
                        first: columns[earlier].header,
                        second: columns[index].header
                    )
                )
            }
            columns[index].field = override.field
            claimedBy[override.field] = index
        }
        for index in columns.indices where columns[index].field == nil {
            guard let field = Field.matching(header: columns[index].header) else { continue }
            if let earlier = claimedBy[field] {
                // An explicit override wins silently over a header that merely looks alike.
                if overrides.contains(where: { $0.field == field }) { continue }
                throw InputError(
                    .fieldGivenTwice(field: field, first: columns[earlier].header, second: columns[index].header)
                )
            }
            columns[index].field = field
            claimedBy[field] = index
        }
        guard claimedBy[.name] != nil else {
            throw InputError(.noNameColumn(headers: header))
        }
        var carried = Set<Int>()
        var withheld = Set<Int>()
        for (option, headers) in [("--carry", carry), ("--no-carry", noCarry)] {
            for text in headers {
                guard let index = Self.index(of: text, in: header) else {
                    throw InputError(.unknownCarryHeader(option: option, header: text, headers: header))
                }
                if option == "--carry", let field = columns[index].field {
                    throw InputError(.carriedField(header: text, field: field))
                }
                if option == "--carry" { carried.insert(index) } else { withheld.insert(index) }
            }
        }
        if let both = carried.intersection(withheld).min() {
            throw InputError(.carriedAndWithheld(header: header[both]))
        }
        self.columns = columns
        count = columns.count
        fieldColumns = claimedBy
        let unmapped = columns.filter { $0.field == nil && !dropped.contains($0.index) }.map(\.index)
        let isWithheld = { (index: Int) in
            withheld.contains(index) || (!carried.contains(index) && Self.namesASecret(header[index]))
        }
        withheldByOption = withheld
        extraColumns = unmapped.filter { !isWithheld($0) }
        withheldColumns = unmapped.filter(isWithheld)
        var byOrdinal = [Int](repeating: -1, count: Field.allCases.count)
        for (field, column) in claimedBy { byOrdinal[field.ordinal] = column }
        columnByOrdinal = byOrdinal
    }

    /// The column of `field`, or -1 when no column gives it.
    @inline(__always)
    func column(of field: Field) -> Int {
        columnByOrdinal[field.ordinal]
    }

    /// The column `text` names: the header written exactly so, or else the first that matches it
    /// ignoring case, spaces, `_` and `-`.
    private static func index(of text: String, in header: [String]) -> Int? {
        header.firstIndex(of: text) ?? header.firstIndex { Field.normalize($0) == Field.normalize(text) }
    }

    public static func == (lhs: ColumnMap, rhs: ColumnMap) -> Bool {
        lhs.columns == rhs.columns
    }

    /// The headers of the columns carried into the results.
    public var extraHeaders: [String] {
        extraColumns.map { columns[$0].header }
    }

    /// What to tell the user about the header: what kind of file it is when flowbatch wrote it, then
    /// ``unmappedNote``.
    public var notes: [String] { notes(sourceParamsFollow: false) }

    /// The notes; with `sourceParamsFollow` (`--through source|flow`) the extra columns are not called
    /// "not sent": those the connection spec's `sourceSpec` names become the source connections' params.
    public func notes(sourceParamsFollow: Bool) -> [String] {
        [originNote, unmappedNote(sourceParamsFollow: sourceParamsFollow)].compactMap { $0 }
    }

    /// A note when the header is one flowbatch writes: results (`row,name,sandbox,auth,status,connection_id,…`)
    /// or an export (`…,connection_id,etag,created`). Either reads as input (guards removed), but a
    /// results file holds no credentials.
    var originNote: String? {
        let headers = columns.map { $0.header.lowercased() }
        if headers.starts(with: ["row", "name", "sandbox", "auth", "status", "connection_id"]) {
            return "this is a flowbatch results file: its rows are read as input, but it holds no credentials"
                + " (to act on its connections use 'flowbatch test' or 'flowbatch undo'; to create them anew,"
                + " join the credential columns back in)"
        }
        if headers.starts(with: ["name", "description", "sandbox", "auth", "host"]),
            headers.suffix(3) == ["connection_id", "etag", "created"]
        {
            return "this is a flowbatch export: fill in the secret columns and run it with --if-exists update"
                + " to change the connections it lists"
        }
        return nil
    }

    /// A note listing the columns that are not sent, with a hint where a header looks like a field.
    public var unmappedNote: String? { unmappedNote(sourceParamsFollow: false) }

    /// ``unmappedNote``, worded for `--through source|flow` when `sourceParamsFollow`.
    public func unmappedNote(sourceParamsFollow: Bool) -> String? {
        let describe = { (index: Int) -> String in
            let header = self.columns[index].header
            let shown = header.isEmpty ? "column \(index + 1) (no header)" : "'\(header)'"
            if let guess = ColumnMap.guess(header), self.fieldColumns[guess] == nil {
                return "\(shown) (to send it as \(guess.rawValue): --column '\(header)=\(guess.rawValue)')"
            }
            return shown
        }
        var parts: [String] = []
        if !extraColumns.isEmpty {
            let lead =
                sourceParamsFollow
                ? "not base connection fields (those the connection spec's sourceSpec names are sent as the source"
                    + " connections' params), carried into the results as they are: "
                : "not sent, carried into the results as they are: "
            parts.append(lead + extraColumns.map(describe).joined(separator: ", "))
        }
        if !withheldColumns.isEmpty {
            let shown = withheldColumns.map { describe($0) + (withheldByOption.contains($0) ? " (--no-carry)" : "") }
            parts.append(
                "not sent and withheld from the results, as their headers look like secrets (--carry COLUMN carries one): "
                    + shown.joined(separator: ", ")
            )
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Whether a header names a secret field (`Old Password`, `Refresh token 2`, `Client-Secret`), or
    /// looks like it holds a secret (``SecretHeader``): such a column is carried only if `--carry` says so.
    static func namesASecret(_ header: String) -> Bool {
        if (Field.matching(header: header) ?? guess(header))?.isSecret == true { return true }
        return SecretHeader.isSecret(header)
    }

    /// For a row that misses the secret `field` while no column gives it: the `--column` option that
    /// would send a withheld, secret-looking column as `field` (`--column 'Pass=password'`).
    public func hint(forMissing field: Field) -> String? {
        guard field.isSecret, column(of: field) < 0 else { return nil }
        let wanted: SecretHeader.Kind = field == .password ? .password : field == .clientSecret ? .other : .token
        let candidates = withheldColumns.filter { Self.namesASecret(columns[$0].header) }
        let best =
            candidates.first { Self.guess(columns[$0].header) == field }
            ?? candidates.first { SecretHeader.kind(of: columns[$0].header) == wanted } ?? candidates.first
        guard let best else { return nil }
        let header = columns[best].header
        return "if column '\(header)' holds it, add --column '\(header)=\(field.rawValue)'"
    }

    /// A field whose name the header contains, as a hint (`Auth Type` → `auth`).
    private static func guess(_ header: String) -> Field? {
        let normalized = Field.normalize(header)
        guard !normalized.isEmpty else { return nil }
        return Field.allCases.sorted { $0.rawValue.count > $1.rawValue.count }
            .first { normalized.contains($0.normalizedName) }
    }
}

/// One `--column 'Header=field'` option: the header text and the field its values fill.
public struct ColumnOverride: Sendable, Equatable {
    /// The header text, as written in the file.
    public var header: String
    /// The field the column fills.
    public var field: Field

    /// Parses `Header=field`; the last `=` separates them, so a header may itself hold one.
    public init(parsing text: String) throws(InputError) {
        guard let separator = text.lastIndex(of: "=") else {
            throw InputError(.badOverride(text))
        }
        let header = String(text[..<separator])
        let fieldName = String(text[text.index(after: separator)...])
        guard !header.isEmpty, let field = Field.matching(header: fieldName) else {
            throw InputError(.badOverride(text))
        }
        self.header = header
        self.field = field
    }

    /// The option as the user wrote it.
    var text: String { "\(header)=\(field.rawValue)" }
}
