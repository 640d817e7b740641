/// The `'` that flowbatch puts before a cell a spreadsheet would run as a formula (one starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return), and its exact removal when such a file is read
/// back: the results and `export` are made to be opened, edited and fed to `run` again, and a name
/// read with the guard still on would be a new name, created beside the original.
///
/// A value whose leading `'`s are followed by a formula character is guarded too (`'=x` is written
/// `''=x`), so that reading removes exactly one `'` and gives back every value as it was.
public enum FormulaGuard {
    static let apostrophe = UInt8(ascii: "'")

    /// Whether a spreadsheet would evaluate a cell starting with `byte`.
    static func startsFormula(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
        default: false
        }
    }

    /// Whether `bytes` get a guard: past any leading `'`, they start with a formula character.
    public static func needsGuard<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first(where: { $0 != apostrophe }) else { return false }
        return startsFormula(first)
    }

    /// `value` as a cell: with a leading `'` when ``needsGuard(_:)``.
    public static func guarded(_ value: String) -> String {
        needsGuard(value.utf8) ? "'" + value : value
    }

    /// How many leading bytes to drop to read a guarded cell back: 1 for a guard, else 0.
    public static func guardLength<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int {
        bytes.first == apostrophe && needsGuard(bytes.dropFirst()) ? 1 : 0
    }

    /// `cell` without the guard, if it has one.
    public static func unguarded(_ cell: String) -> String {
        guardLength(cell.utf8) == 1 ? String(cell.dropFirst()) : cell
    }
}
