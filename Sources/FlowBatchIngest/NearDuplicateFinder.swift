import Foundation

/// Finds names that differ from an earlier row's in the same sandbox only in case, spacing or
/// Unicode form ("Orders API", "orders api ", "Orders  API", a non-breaking space, full-width
/// letters): the service allows such names side by side, and people nearly never want them.
///
/// It feeds a name's folded form to a second ``DuplicateNameFinder``, so memory stays as bounded as
/// for exact duplicates; rows that repeat a name exactly are left to that finder's own report.
public final class NearDuplicateFinder {
    private let folded = DuplicateNameFinder()

    public init() {}

    /// Records that `row` uses `name` (UTF-8, trimmed) in `sandbox`.
    public func add(
        sandbox: UnsafeBufferPointer<UInt8>,
        name: UnsafeBufferPointer<UInt8>,
        row: Int
    ) throws(DuplicateNameFinderError) {
        let key = Self.fold(name)
        try folded.add(sandbox: String(decoding: sandbox, as: UTF8.self), name: key, row: row)
    }

    /// The rows whose name is a near-duplicate of an earlier row's and not an exact repeat of one.
    public func finish(exact: DuplicateNames) throws(DuplicateNameFinderError) -> [DuplicateNames.Duplicate] {
        try folded.finish().duplicates.filter { exact.firstRow(repeatedBy: $0.row) == nil }
    }

    /// The form two names that people would call the same share: compatibility-normalized (NFKC:
    /// full-width letters, ligatures), case-folded, every run of white space (a non-breaking space
    /// too) one space, none at the ends. ASCII names, nearly all, take a path without Foundation.
    static func fold(_ name: UnsafeBufferPointer<UInt8>) -> String {
        let text: String
        if name.allSatisfy({ $0 < 0x80 }) {
            text = String(decoding: name, as: UTF8.self).lowercased()
        } else {
            text = String(decoding: name, as: UTF8.self).precomposedStringWithCompatibilityMapping
                .folding(options: [.caseInsensitive], locale: nil)
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension DuplicateNames.Duplicate {
    /// What a warning says of a row whose name is a near-duplicate of row ``firstRow``'s.
    public var nearDuplicateMessage: String {
        "differs from the name of row \(firstRow) only in case, spacing or Unicode form; the service would"
            + " hold both: make them the same, or clearly different"
    }
}
