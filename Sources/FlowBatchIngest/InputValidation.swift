import FlowBatchModel

/// Checks a whole input file without sending anything: every row, and names repeated within a sandbox.
///
/// Problems of each row are reported as the row is read; repeated names can only be known once
/// every row has been read, so they are reported at the end, in row order.
public struct InputValidation {
    /// What the check found, as it goes.
    public enum Event {
        /// A note about the file (columns not sent, empty rows skipped).
        case note(String)
        /// A problem that makes `row` invalid.
        case problem(row: Int, RowProblem)
        /// A warning about `row`; the row may still be valid.
        case warning(row: Int, RowProblem)
    }

    /// The counts at the end of a check.
    public struct Summary: Sendable, Equatable {
        /// Data rows read (blank rows not counted).
        public var rows = 0
        /// Rows with no problem.
        public var valid = 0
        /// Rows with at least one problem.
        public var invalid = 0
        /// Problems found, several per row possibly.
        public var problems = 0
        /// Warnings.
        public var warnings = 0
        /// Rows skipped because every cell is empty.
        public var emptyRows = 0
    }

    public let input: InputFile
    public let validator: RowValidator
    /// Check only the first `limit` data rows.
    public let limit: Int?
    /// The checks of a row beyond ``RowValidator``'s that need what only the service knows (the
    /// source params of `validate --through`, checked against the connection spec's `sourceSpec`).
    public let moreChecks: ((RawRow) -> [RowProblem])?

    public init(
        input: InputFile,
        validator: RowValidator,
        limit: Int? = nil,
        moreChecks: ((RawRow) -> [RowProblem])? = nil
    ) {
        self.input = input
        self.validator = validator
        self.limit = limit
        self.moreChecks = moreChecks
    }

    /// Runs the check, calling `report` for each finding; throws when the file as a whole is unusable.
    public func run(report: (Event) -> Void) throws -> Summary {
        var cursor = try input.open()
        for note in cursor.notes { report(.note(note)) }
        let names = DuplicateNameFinder()
        let nearNames = NearDuplicateFinder()
        var summary = Summary()
        let (validator, moreChecks) = (self.validator, self.moreChecks)
        while summary.rows < limit ?? .max {
            let more: Void? = try cursor.nextRow { row in
                summary.rows += 1
                var result = validator.validate(row, buildRequest: false)
                result.problems += moreChecks?(row) ?? []
                for warning in result.warnings { report(.warning(row: row.row, warning)) }
                for problem in result.problems { report(.problem(row: row.row, problem)) }
                summary.warnings += result.warnings.count
                summary.problems += result.problems.count
                if !result.problems.isEmpty { summary.invalid += 1 }
                try validator.nameKey(row) { sandbox, name in
                    if !name.isEmpty, row.problem == nil {
                        try names.add(
                            sandbox: sandbox,
                            name: name,
                            row: row.row,
                            flags: result.problems.isEmpty ? 0 : 1
                        )
                        try nearNames.add(sandbox: sandbox, name: name, row: row.row)
                    }
                }
            }
            if more == nil { break }
        }
        let exact = try names.finish()
        for near in try nearNames.finish(exact: exact) {
            report(.warning(row: near.row, RowProblem(.name, .warning, near.nearDuplicateMessage)))
            summary.warnings += 1
        }
        for duplicate in exact.duplicates {
            report(
                .problem(
                    row: duplicate.row,
                    RowProblem(
                        .name,
                        .duplicateName,
                        "the same name is already used by row \(duplicate.firstRow) in the same sandbox"
                    )
                )
            )
            summary.problems += 1
            if duplicate.flags == 0 { summary.invalid += 1 }
        }
        summary.valid = summary.rows - summary.invalid
        summary.emptyRows = cursor.emptyRows
        if summary.rows == 0 { report(.note(InputNotes.noDataRows)) }
        if summary.emptyRows > 0 {
            report(.note("\(summary.emptyRows) empty row\(summary.emptyRows == 1 ? "" : "s") skipped"))
        }
        return summary
    }
}
