import Foundation

/// Finds names that differ from an earlier row's in the same sandbox only in case, spacing or
/// Unicode form ("Orders API", "orders api ", "Orders  API", a non-breaking space, full-width
/// letters): the service allows such names side by side, and people nearly never want them.
///
/// It feeds a name's folded form to a second ``DuplicateNameFinder``, so memory stays as bounded as
/// for exact duplicates; rows that repeat a name exactly are left to that finder's own report.
public final class NearDuplicateFinder {
    private let folded = DuplicateNameFinder()
    /// The folded form of an ASCII name, reused from row to row: no allocation per row.
    private var scratch: [UInt8] = []

    public init() {}

    /// Records that `row` uses `name` (UTF-8, trimmed) in `sandbox`.
    public func add(
        sandbox: UnsafeBufferPointer<UInt8>,
        name: UnsafeBufferPointer<UInt8>,
        row: Int
    ) throws(DuplicateNameFinderError) {
        guard name.allSatisfy({ $0 < 0x80 }) else {
            try folded.add(sandbox: String(decoding: sandbox, as: UTF8.self), name: Self.fold(name), row: row)
            return
        }
        Self.foldASCII(name, into: &scratch)
        let added = scratch.withUnsafeBufferPointer { name in
            Result { () throws(DuplicateNameFinderError) in try folded.add(sandbox: sandbox, name: name, row: row) }
        }
        try added.get()
    }

    /// ``fold(_:)`` for ASCII, byte by byte: lowercased, runs of white space one space, none at the ends.
    static func foldASCII(_ name: UnsafeBufferPointer<UInt8>, into folded: inout [UInt8]) {
        folded.removeAll(keepingCapacity: true)
        var pendingSpace = false
        for byte in name {
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = !folded.isEmpty
                continue
            }
            if pendingSpace {
                folded.append(0x20)
                pendingSpace = false
            }
            folded.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
    }

    /// The rows whose name is a near-duplicate of an earlier row's and not an exact repeat of one.
    public func finish(exact: DuplicateNames) throws(DuplicateNameFinderError) -> [DuplicateNames.Duplicate] {
        try folded.finish().duplicates.filter { exact.firstRow(repeatedBy: $0.row) == nil }
    }

    /// The form two names that people would call the same share: compatibility-normalized (NFKC:
    /// full-width letters, ligatures), case-folded, every run of white space (a non-breaking space
    /// too) one space, none at the ends. ASCII names, nearly all, take ``foldASCII(_:into:)`` instead.
    static func fold(_ name: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: name, as: UTF8.self).precomposedStringWithCompatibilityMapping
            .folding(options: [.caseInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension DuplicateNames.Duplicate {
    /// What a warning says of a row whose name is a near-duplicate of row ``firstRow``'s.
    public var nearDuplicateMessage: String {
        "differs from the name of row \(firstRow) only in case, spacing or Unicode form; the service would"
            + " hold both: make them the same, or clearly different"
    }
}
