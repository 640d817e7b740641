import ArgumentParser
import FlowBatch
import FlowBatchIngest

/// Options that say how to read the input file; shared by `run` (and its `--dry-run`) and `validate`.
struct InputOptions: ParsableArguments {
    @Option(help: "The byte between values: ',', ';' or 'tab' (a first line 'sep=;', as Excel writes it, sets it).")
    var delimiter: String = ","

    @Option(
        help: ArgumentHelp(
            "The spreadsheet row number of the header, when rows above it hold a title; they are skipped"
                + " (default: the first row that is not blank).",
            valueName: "N"
        )
    )
    var headerRow: Int?

    @Option(
        name: .customLong("column"),
        help: ArgumentHelp(
            "Map a spreadsheet header to a field, as 'Header=field' (repeatable).",
            valueName: "Header=field"
        )
    )
    var columns: [String] = []

    @Option(
        help: ArgumentHelp(
            "How the input is encoded: utf-8, windows-1252 (Excel's plain \"CSV\"), latin-1 or utf-16"
                + " (\"Unicode Text\"); a file that is not UTF-8 is refused unless this names its encoding.",
            valueName: "encoding"
        )
    )
    var encoding: String = "utf-8"

    @Option(
        name: .customLong("carry"),
        help: ArgumentHelp(
            "Carry this extra column into the results although its header looks like a secret (repeatable).",
            valueName: "column"
        )
    )
    var carried: [String] = []

    @Option(
        name: .customLong("no-carry"),
        help: ArgumentHelp("Withhold this extra column from the results (repeatable).", valueName: "column")
    )
    var withheld: [String] = []

    func validate() throws {
        if let headerRow, headerRow < 1 {
            throw ValidationError("--header-row must be at least 1 (the first row is 1)")
        }
        _ = try delimiterByte()
        _ = try overrides()
        _ = try textEncoding()
    }

    func textEncoding() throws -> TextEncoding {
        guard let parsed = TextEncoding(option: encoding) else {
            throw ValidationError("--encoding '\(encoding)': use utf-8, windows-1252, latin-1 or utf-16")
        }
        return parsed
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
        InputFile(
            path: path,
            csvOptions: CSVReader.Options(delimiter: try delimiterByte(), encoding: try textEncoding()),
            overrides: try overrides(),
            carry: carried,
            noCarry: withheld,
            headerRow: headerRow
        )
    }
}
