import FlowBatchIngest

/// The fuzz target: reads one input every way the reader can be driven and checks that the answers
/// agree and make sense. Returns the broken invariants, one sentence each; an empty answer is a pass.
///
/// libFuzzer calls it through `LLVMFuzzerTestOneInput` and crashes on a broken invariant; the replay
/// executable and the regression tests call it directly. What it checks:
/// - the records are the same at the derived small read size and at 64 KiB, and the same with and
///   without the direct splitting of whole lines (pure libcsv);
/// - row numbers are at least 1 and strictly increasing; a record without a problem keeps within the
///   limits, holds no NUL, and its bytes are valid UTF-8;
/// - the only errors are the documented ones for bytes in memory; with a small budget for reading
///   again, what is read before the error is what the unbounded read gives, at any read size;
/// - ``InputCursor`` maps the header and hands every data row to ``RowValidator``, in order, skipping
///   exactly the empty rows; ``DuplicateNameFinder`` finds exactly the repeated names, with a tiny
///   memory limit (spilling to disk) and with the default one (sorting in memory);
/// - ``CSVLineEncoder`` lines read back as the values written, formulas neutralised.
enum ReaderFuzzer {
    /// The read size of the reference read.
    static let referenceReadSize = 64 * 1024

    /// Runs every check on `bytes` (see ``FuzzInput`` for their layout).
    static func check(_ bytes: [UInt8]) -> [String] {
        let input = FuzzInput(bytes)
        var violations: [String] = []
        let outcome = checkReader(input, &violations)
        checkInputCursor(input, records: outcome, &violations)
        checkRoundTrip(input, records: outcome.records, &violations)
        return violations
    }

    /// Reads `input` several ways; returns the reference read (derived read size, default paths).
    static func checkReader(_ input: FuzzInput, _ violations: inout [String]) -> ReadOutcome {
        let options = input.readerOptions
        let small = ReadOutcome.read(input.csv, options: options)
        var wholeOptions = options
        wholeOptions.readSize = referenceReadSize
        let whole = ReadOutcome.read(input.csv, options: wholeOptions)
        checkOutcome(small, options: options, "read size \(options.readSize)", &violations)
        if small != whole {
            violations.append(
                "read size \(options.readSize) and \(referenceReadSize) differ: \(difference(small, whole))"
            )
        }
        for readSize in [options.readSize, referenceReadSize] {
            var pathOptions = options
            pathOptions.readSize = readSize
            let libcsv = ReadOutcome.readWithParser(input.csv, options: pathOptions, splitsLines: false)
            if libcsv != small {
                violations.append(
                    "pure libcsv at read size \(readSize) differs from the direct splitting of whole lines: "
                        + difference(small, libcsv)
                )
            }
        }
        let budgeted = ReadOutcome.readWithParser(
            input.csv,
            options: options,
            splitsLines: true,
            maxRereadBytes: input.maxRereadBytes
        )
        checkOutcome(budgeted, options: options, "reread budget \(input.maxRereadBytes)", &violations)
        if budgeted.error == nil, budgeted != small {
            violations.append("a reread budget that was not used up changed the records")
        }
        if budgeted.error != nil, !small.records.starts(with: budgeted.records) {
            violations.append("the records before a used-up reread budget are not those of the unbounded read")
        }
        let wholeBudgeted = ReadOutcome.readWithParser(
            input.csv,
            options: wholeOptions,
            splitsLines: true,
            maxRereadBytes: input.maxRereadBytes
        )
        if wholeBudgeted != budgeted {
            violations.append(
                "with a reread budget, read size \(options.readSize) and \(referenceReadSize) differ: "
                    + difference(budgeted, wholeBudgeted)
            )
        }
        return small
    }

    /// Row numbers, limits, values and errors of one read.
    static func checkOutcome(
        _ outcome: ReadOutcome,
        options: CSVReader.Options,
        _ label: String,
        _ violations: inout [String]
    ) {
        var previousRow = 0
        for record in outcome.records {
            if record.row <= previousRow {
                violations.append("\(label): row \(record.row) comes after row \(previousRow)")
            }
            previousRow = record.row
            guard record.problem == nil else { continue }
            if record.fields.isEmpty {
                violations.append("\(label): row \(record.row) has no value and no problem")
            }
            if record.fields.count > options.maxFields {
                violations.append("\(label): row \(record.row) has \(record.fields.count) values, over the limit")
            }
            let size = record.fields.reduce(0) { $0 + $1.utf8.count }
            if size > options.maxRecordBytes {
                violations.append("\(label): row \(record.row) holds \(size) bytes, over the limit")
            }
            if record.fields.contains(where: { $0.utf8.contains(0) }) {
                violations.append("\(label): row \(record.row) holds NUL but has no problem")
            }
        }
        if let error = outcome.error {
            switch error.code {
            case .unsupportedEncoding, .otherEncoding, .workbook, .tooManyUnterminatedQuotes: break
            default: violations.append("\(label): an error bytes in memory cannot have: \(error)")
            }
        }
    }

    /// Where two reads part.
    static func difference(_ first: ReadOutcome, _ second: ReadOutcome) -> String {
        for (left, right) in zip(first.records, second.records) where left != right {
            return "\(describe(left)) against \(describe(right))"
        }
        if first.records.count != second.records.count {
            return "\(first.records.count) records against \(second.records.count)"
        }
        return "error \(String(describing: first.error)) against \(String(describing: second.error))"
    }

    static func describe(_ record: CSVRecord) -> String {
        let problem = record.problem.map { " \($0.code) at column \(String(describing: $0.column))" } ?? ""
        return "row \(record.row) \(record.fields.debugDescription)\(problem)"
    }
}
