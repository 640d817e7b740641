import FlowBatchIngest

/// Everything one read of a CSV input gave: its records, in order, and the error that ended it, if any.
struct ReadOutcome: Equatable {
    /// The records read before the end or the error.
    var records: [CSVRecord] = []
    /// The error that stopped reading.
    var error: CSVFileError?

    /// Reads `bytes` through the public reader.
    static func read(_ bytes: [UInt8], options: CSVReader.Options) -> ReadOutcome {
        var outcome = ReadOutcome()
        do {
            var cursor = try CSVReader(bytes: bytes, options: options).makeCursor()
            while let record = try cursor.next() { outcome.records.append(record) }
        } catch {
            outcome.error = error
        }
        return outcome
    }

    /// Reads `bytes` with the engine itself (its `package` interface: release builds refuse
    /// `@testable`), with or without the direct splitting of whole lines and with a budget for reading again.
    static func readWithParser(
        _ bytes: [UInt8],
        options: CSVReader.Options,
        splitsLines: Bool,
        maxRereadBytes: Int? = nil
    ) -> ReadOutcome {
        var parserOptions = CSVParser.Options()
        parserOptions.delimiter = options.delimiter
        parserOptions.readSize = options.readSize
        parserOptions.maxRecordBytes = options.maxRecordBytes
        parserOptions.maxFields = options.maxFields
        parserOptions.maxRereadBytes = maxRereadBytes
        parserOptions.splitsLines = splitsLines
        let parser = CSVParser(source: CSVByteSource(bytes: bytes), options: parserOptions)
        var outcome = ReadOutcome()
        do {
            while let record = try parser.next() { outcome.records.append(record) }
        } catch {
            outcome.error = error
        }
        return outcome
    }
}
