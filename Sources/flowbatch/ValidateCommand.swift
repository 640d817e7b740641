import ArgumentParser
import FlowBatch
import FlowBatchIngest
import FlowBatchModel
import Foundation

/// `flowbatch validate`: checks the file and every row, sends nothing.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the input file and every row; send nothing.",
        discussion: """
            Prints one line per problem, 'row N: field: reason', then a count. Warnings and notes go to \
            stderr. Exit status: 0 every row is valid, 1 some rows are invalid, 65 the file is not a usable \
            CSV, 66 the file cannot be read, 64 a bad option.
            """
    )

    @Argument(help: "The input CSV file, or - for standard input.", completion: .file())
    var file: String

    @Flag(name: .shortAndLong, help: "Print only the problems and the count: no notes or warnings.")
    var quiet = false

    @OptionGroup var input: InputOptions

    @Option(help: "The sandbox of rows whose sandbox cell is empty (default: $AEP_SANDBOX, else prod).")
    var sandbox: String?

    @Option(help: "Check only the first N data rows.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        if quiet { Console.quiet = true }
        var inputFile = try input.inputFile(path: file == "-" ? "standard input" : file)
        // Standard input is read whole first: the reader reads its file by position.
        if file == "-" { inputFile.contents = Array(FileHandle.standardInput.readDataToEndOfFile()) }
        let validation = InputValidation(
            input: inputFile,
            validator: RowValidator(
                defaultSandbox: sandbox ?? Environment.value("AEP_SANDBOX") ?? "prod",
                today: Today.text()
            ),
            limit: limit
        )
        let summary: InputValidation.Summary
        do {
            summary = try validation.run { event in
                switch event {
                case .note(let note): Console.err("note: \(note)")
                case .warning(let row, let warning): Console.err("warning: row \(row): \(warning)")
                case .problem(let row, let problem): Console.out("row \(row): \(problem)")
                }
            }
        } catch let error as InputError {
            Console.flush()
            Console.err("error: \(error)")
            throw ExitCode(error.exitStatus.rawValue)
        }
        Console.out(ValidateCommand.countLine(summary))
        Console.flush()
        if summary.invalid > 0 { throw ExitCode(1) }
    }

    static func countLine(_ summary: InputValidation.Summary) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var line = "\(plural(summary.rows, "row")) checked: \(summary.valid) valid, \(summary.invalid) invalid"
        var details: [String] = []
        if summary.problems > 0 { details.append(plural(summary.problems, "problem")) }
        if summary.warnings > 0 { details.append(plural(summary.warnings, "warning")) }
        if !details.isEmpty { line += " (\(details.joined(separator: ", ")))" }
        return line
    }
}
