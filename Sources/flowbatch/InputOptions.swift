import ArgumentParser
import FlowBatch

/// Options that say how to read the input file; shared by `run` and `validate`.
struct InputOptions: ParsableArguments {
    @Option(help: "The byte between values: ',', ';' or 'tab'.")
    var delimiter: String = ","

    @Option(
        name: .customLong("column"),
        help: ArgumentHelp(
            "Map a spreadsheet header to a field, as 'Header=field' (repeatable).",
            valueName: "Header=field"
        )
    )
    var columns: [String] = []

    func validate() throws {
        _ = try delimiterByte()
        _ = try overrides()
    }

    func delimiterByte() throws -> UInt8 {
        switch delimiter.lowercased() {
        case ",", "comma": return UInt8(ascii: ",")
        case ";", "semicolon": return UInt8(ascii: ";")
        case "\t", "tab", "\\t": return UInt8(ascii: "\t")
        default: throw ValidationError("--delimiter '\(delimiter)': use ',', ';' or 'tab'")
        }
    }

    func overrides() throws -> [ColumnOverride] {
        do {
            return try columns.map { text throws(InputError) in try ColumnOverride(parsing: text) }
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The input file with these options.
    func inputFile(path: String) throws -> InputFile {
        InputFile(path: path, csvOptions: CSVReader.Options(delimiter: try delimiterByte()), overrides: try overrides())
    }
}
