import CLibCSV
import FlowBatchModel

/// Encodes rows of the results file and exports: values that need quoting are quoted with libcsv's
/// `csv_write2`, and values a spreadsheet would run as a formula get a leading `'` (``FormulaGuard``,
/// which flowbatch removes again when it reads such a file).
public enum CSVLineEncoder {
    /// One line, with its line break (LF). `neutralize: false` writes values exactly (a header).
    public static func line(
        _ values: [String],
        delimiter: UInt8 = UInt8(ascii: ","),
        neutralize: Bool = true
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.reduce(16) { $0 + $1.utf8.count + 1 })
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(delimiter) }
            append(neutralize ? neutralized(value) : value, delimiter: delimiter, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// `value` with a leading `'` when a spreadsheet would evaluate it: it starts with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return (after any `'` of its own: ``FormulaGuard``).
    public static func neutralized(_ value: String) -> String {
        FormulaGuard.guarded(value)
    }

    private static func append(_ value: String, delimiter: UInt8, to bytes: inout [UInt8]) {
        let utf8 = value.utf8
        // A value starting with U+FEFF is quoted too: first in a file, readers take it for a byte-order mark.
        let needsQuotes =
            utf8.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || utf8.first == 0x20 || utf8.last == 0x20 || utf8.starts(with: [0xEF, 0xBB, 0xBF])
        guard needsQuotes else {
            bytes += utf8
            return
        }
        var copy = value
        copy.withUTF8 { source in
            let size = csv_write2(nil, 0, source.baseAddress, source.count, 0x22)
            let start = bytes.count
            bytes += repeatElement(0, count: size)
            bytes.withUnsafeMutableBufferPointer { buffer in
                _ = csv_write2(buffer.baseAddress! + start, size, source.baseAddress, source.count, 0x22)
            }
        }
    }
}
