import FlowBatch

extension ReaderFuzzer {
    /// Today, fixed, so that the warning about past expiration dates is exercised the same on every run.
    static let today = "2026-01-01"

    /// A (sandbox, name) pair as bytes, for the reference answer about repeated names.
    private struct NameKey: Hashable {
        var sandbox: [UInt8]
        var name: [UInt8]
    }

    /// Opens `input` as an input file (header, column map) and validates every data row, checking the
    /// rows against `outcome`, the reference read with the same options.
    static func checkInputCursor(_ input: FuzzInput, records outcome: ReadOutcome, _ violations: inout [String]) {
        let headerIndex = outcome.records.firstIndex { $0.problem != nil || !$0.isEmpty }
        var overrides: [ColumnOverride] = []
        if input.overridesNameColumn, let headerIndex, let first = outcome.records[headerIndex].fields.first,
            let override = try? ColumnOverride(parsing: first + "=name")
        {
            overrides = [override]
        }
        let expectedError: InputError.Code?
        if let headerIndex {
            let header = outcome.records[headerIndex]
            if let problem = header.problem {
                expectedError = .badHeader(problem)
            } else {
                do {
                    _ = try ColumnMap(header: header.fields, overrides: overrides)
                    expectedError = nil
                } catch {
                    expectedError = error.code
                }
            }
        } else {
            expectedError = outcome.error.map { .file($0) } ?? .empty
        }
        var cursor: InputCursor
        do {
            cursor = try InputCursor(
                records: CSVReader(bytes: input.csv, options: input.readerOptions),
                path: "fuzz.csv",
                overrides: overrides
            )
        } catch {
            if error.code != expectedError {
                violations.append(
                    "opening the input threw \(error.code), expected \(String(describing: expectedError))"
                )
            }
            return
        }
        guard let headerIndex, expectedError == nil else {
            violations.append("opening the input succeeded, expected \(String(describing: expectedError))")
            return
        }
        if cursor.headerRow != outcome.records[headerIndex].row {
            violations.append("header at row \(cursor.headerRow), expected row \(outcome.records[headerIndex].row)")
        }
        let afterHeader = outcome.records[(headerIndex + 1)...]
        let expectedRows = afterHeader.filter { $0.problem != nil || !$0.isEmpty }
        let columns = cursor.columns
        let validator = RowValidator(defaultSandbox: "prod", today: today)
        // A tiny memory limit spills sorted runs to disk and merges them; the default one sorts in memory
        // (a radix sort past 64 names). Both must give the reference answer.
        let finders = [DuplicateNameFinder(memoryLimit: input.nameMemoryLimit), DuplicateNameFinder()]
        var firstRows: [NameKey: Int] = [:]
        var expectedDuplicates: [[Int]] = []
        var seen = 0
        do {
            while try cursor.nextRow({ row -> Bool in
                defer { seen += 1 }
                guard seen < expectedRows.count else {
                    violations.append("row \(row.row) is past the last expected data row")
                    return true
                }
                let record = expectedRows[expectedRows.startIndex + seen]
                checkRow(row, against: record, columns: columns, validator: validator, &violations)
                try validator.nameKey(row) { sandbox, name in
                    for finder in finders { try finder.add(sandbox: sandbox, name: name, row: row.row) }
                    let key = NameKey(sandbox: Array(sandbox), name: Array(name))
                    if let first = firstRows[key] {
                        expectedDuplicates.append([row.row, first])
                    } else {
                        firstRows[key] = row.row
                    }
                }
                return true
            }) != nil {}
            if let error = outcome.error {
                violations.append("the data rows ended without the error \(error)")
            }
        } catch let error as InputError {
            if error.code != outcome.error.map({ .file($0) }) {
                violations.append("reading the data rows threw \(error.code)")
            }
        } catch {
            violations.append("reading the data rows threw \(error)")
        }
        if seen != expectedRows.count {
            violations.append("\(seen) data rows read, expected \(expectedRows.count)")
        }
        let skipped = afterHeader.count - expectedRows.count
        if outcome.error == nil, cursor.emptyRows != skipped {
            violations.append("\(cursor.emptyRows) empty rows skipped, expected \(skipped)")
        }
        for finder in finders {
            do {
                let found = try finder.finish().duplicates.map { [$0.row, $0.firstRow] }
                if found != expectedDuplicates {
                    violations.append(
                        "repeated names \(found) with memory limit \(finder.memoryLimit), expected \(expectedDuplicates)"
                    )
                }
            } catch {
                violations.append("finding repeated names threw \(error)")
            }
        }
    }

    /// One data row: its values are those of `record`, and validating it is consistent.
    private static func checkRow(
        _ row: RawRow,
        against record: CSVRecord,
        columns: ColumnMap,
        validator: RowValidator,
        _ violations: inout [String]
    ) {
        if row.row != record.row || row.problem != record.problem || row.valueCount != record.fields.count {
            violations.append("data row \(row.row) is not record \(describe(record))")
            return
        }
        for field in Field.allCases {
            let column = columns.fieldColumns[field]
            let expected = column.map { $0 < record.fields.count ? record.fields[$0] : "" } ?? ""
            if row.string(field) != expected {
                violations.append("row \(row.row): \(field) reads differently as bytes and as a record")
            }
            _ = row.trimmedString(field)
            if row.problem == nil, String(validating: row[field], as: UTF8.self) == nil {
                violations.append("row \(row.row): \(field) is not UTF-8 but the row has no problem")
            }
        }
        _ = row.extras()
        let full = validator.validate(row)
        let quick = validator.validate(row, buildRequest: false)
        if full.problems != quick.problems || full.warnings != quick.warnings {
            violations.append("row \(row.row): validating with and without building the request disagree")
        }
        if (full.request != nil) != full.problems.isEmpty {
            violations.append(
                "row \(row.row): a request \(full.request == nil ? "missing" : "built") with problems \(full.problems)"
            )
        }
        if let request = full.request, request.row != row.row {
            violations.append("row \(row.row): the request says row \(request.row)")
        }
    }
}
