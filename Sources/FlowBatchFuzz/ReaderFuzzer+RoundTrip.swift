import FlowBatchIngest
import FlowBatchReport

extension ReaderFuzzer {
    /// Splits the input into the values of one extra line to write (ASCII unit separator).
    static let valueSeparator: UInt8 = 0x1F
    /// The most records of the input written back, to keep one run short.
    static let roundTripRecords = 16

    /// Writes lines with ``CSVLineEncoder`` and reads them back with the reader: the values of the
    /// input's clean records, then the input split at ``valueSeparator`` (invalid UTF-8 repaired).
    static func checkRoundTrip(_ input: FuzzInput, records: [CSVRecord], _ violations: inout [String]) {
        var rows = Array(records.lazy.filter { $0.problem == nil }.prefix(roundTripRecords).map(\.fields))
        rows.append(
            input.csv.split(separator: valueSeparator, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
        )
        checkRoundTrip(rows, delimiter: input.delimiter, readSize: input.readSize, &violations)
    }

    /// Writes `rows` as one file and reads it back: every row but a single empty value (a blank line)
    /// comes back, its values neutralised; a value holding NUL makes its row a `nulByte` problem.
    static func checkRoundTrip(_ rows: [[String]], delimiter: UInt8, readSize: Int, _ violations: inout [String]) {
        let file = rows.flatMap { CSVLineEncoder.line($0, delimiter: delimiter) }
        var options = CSVReader.Options(delimiter: delimiter, readSize: readSize)
        // What flowbatch writes starts with its own header, never with a value `sep=X` alone.
        options.readsSeparatorLine = false
        let outcome = ReadOutcome.read(file, options: options)
        if let error = outcome.error {
            violations.append("round trip: reading what was written threw \(error)")
        }
        let expected = rows.filter { $0 != [""] }.map { $0.map(CSVLineEncoder.neutralized) }
        let read = outcome.records.map(\.fields)
        if read != expected {
            let index =
                zip(read, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(read.count, expected.count)
            let got = index < read.count ? read[index].debugDescription : "nothing"
            let wanted = index < expected.count ? expected[index].debugDescription : "nothing"
            violations.append("round trip: line \(index + 1) read back as \(got), written as \(wanted)")
            return
        }
        for (record, values) in zip(outcome.records, expected) {
            let hasNUL = values.contains { $0.utf8.contains(0) }
            if record.problem?.code != (hasNUL ? .nulByte : nil) {
                violations.append("round trip: \(describe(record)) read back with an unexpected problem")
            }
        }
    }
}
