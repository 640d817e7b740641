import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport

/// The opening that `run` and `--dry-run` share, written once so that the plan sees what the run
/// sees: every output checked (``RunConfiguration/checkOutputs()``), the input opened and scanned
/// (repeated and near-duplicate names, sandboxes, the names a listing may look up), and the notes
/// both give about it.
struct RunPreparation: Sendable {
    /// The results file, resolved.
    let results: OutputTarget
    /// The input's header, as mapped to fields.
    let columns: ColumnMap
    let scan: InputScan

    /// Checks, opens and scans; `notify` hears the notes (the file's kind, unmapped and renamed
    /// columns, `sep=`, near-duplicate names, no rows, the rows `--limit` leaves unread).
    ///
    /// - Throws: ``ConfigurationError`` for an output, ``InputError`` for the input.
    init(_ configuration: RunConfiguration, validator: RowValidator, notify: (String) -> Void) throws {
        results = try configuration.checkOutputs()
        var header = try configuration.input.open()
        for note in header.notes { notify("note: \(note)") }
        columns = header.columns
        let carried = ResultsWriter.carriedHeaders(header.columns.extraHeaders)
        let renamed = zip(header.columns.extraHeaders, carried).filter { $0 != $1 }
        if !renamed.isEmpty {
            notify(
                "note: carried as " + renamed.map { "'\($1)'" }.joined(separator: ", ")
                    + " in the results, beside flowbatch's own columns of the same name"
            )
        }
        scan = try InputScan.run(&header, validator: validator, limit: configuration.limit)
        scan.nearDuplicateWarnings.forEach(notify)
        if scan.rows == 0 { notify("note: \(InputNotes.noDataRows)") }
        if let limit = configuration.limit, scan.unread > 0 {
            notify(
                "note: --limit \(limit): only the first \(limit) data rows are read; the other"
                    + " \(RunSummary.plural(scan.unread, "row")) are left as they are"
            )
        }
    }
}
