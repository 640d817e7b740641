/// How the columns of an input file map to fields: by header, ignoring case, spaces, `_` and `-`,
/// or by an explicit `--column 'Header=field'`. Columns that map to no field are kept, to be carried
/// into the results unchanged, except those whose header names a secret field (a `Password` column
/// that `--column 'Pwd=password'` displaced, an `Old Client Secret`): those are withheld.
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
    /// The columns that fill no field but whose header names a secret field: neither sent nor carried.
    public let withheldColumns: [Int]
    /// The column of each field by ``Field/ordinal``, or -1: read for every value of every row.
    private let columnByOrdinal: [Int]

    /// Maps `header` to fields, applying `overrides` (header text → field) first.
    ///
    /// Throws when two columns give the same field, when an override names a header the file does
    /// not have, or when no column gives `name`.
    public init(header: [String], overrides: [ColumnOverride] = []) throws(InputError) {
        var columns = header.enumerated().map { Column(index: $0, header: $1, field: nil) }
        var claimedBy: [Field: Int] = [:]
        for override in overrides {
            let matches = columns.indices.filter { columns[$0].header == override.header }
            let fallback = columns.indices.filter {
                Field.normalize(columns[$0].header) == Field.normalize(override.header)
            }
            guard let index = matches.first ?? fallback.first else {
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
        self.columns = columns
        fieldColumns = claimedBy
        let unmapped = columns.filter { $0.field == nil }
        extraColumns = unmapped.filter { !Self.namesASecret($0.header) }.map(\.index)
        withheldColumns = unmapped.filter { Self.namesASecret($0.header) }.map(\.index)
        var byOrdinal = [Int](repeating: -1, count: Field.allCases.count)
        for (field, column) in claimedBy { byOrdinal[field.ordinal] = column }
        columnByOrdinal = byOrdinal
    }

    /// The column of `field`, or -1 when no column gives it.
    @inline(__always)
    func column(of field: Field) -> Int {
        columnByOrdinal[field.ordinal]
    }

    public static func == (lhs: ColumnMap, rhs: ColumnMap) -> Bool {
        lhs.columns == rhs.columns
    }

    /// The headers of the columns carried into the results.
    public var extraHeaders: [String] {
        extraColumns.map { columns[$0].header }
    }

    /// A note listing the columns that are not sent, with a hint where a header looks like a field.
    public var unmappedNote: String? {
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
            parts.append("not sent, carried into the results as they are: " + extraColumns.map(describe).joined(separator: ", "))
        }
        if !withheldColumns.isEmpty {
            parts.append(
                "not sent and not carried, as their headers name a secret: "
                    + withheldColumns.map(describe).joined(separator: ", ")
            )
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Words in a header that say its column may hold a secret.
    private static let secretWords = ["password", "passwd", "pwd", "secret", "token", "apikey", "credential"]

    /// Whether a header names a secret field, or says its column holds one (`Old Password`,
    /// `Refresh token 2`, `Client-Secret`): such a column is never carried into the results.
    static func namesASecret(_ header: String) -> Bool {
        if (Field.matching(header: header) ?? guess(header))?.isSecret == true { return true }
        let normalized = Field.normalize(header)
        return secretWords.contains { normalized.contains($0) }
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
