import FlowBatchIngest
import FlowBatchModel

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
            let delimiters = [UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: ",")]
                .filter { $0 != input.readerOptions.delimiter }
            if header.problem?.code == .invalidUTF8 {
                // The guess is made from the header's bytes, which the record no longer holds: any will do.
                expectedError = .notUTF8(row: header.row, looksLike: .windows1252)
            } else if let problem = header.problem {
                expectedError = .badHeader(problem)
            } else if header.fields.count == 1,
                let found = delimiters.first(where: { header.fields[0].utf8.contains($0) })
            {
                expectedError = .otherDelimiter(
                    header: header.fields[0],
                    found: found,
                    expected: input.readerOptions.delimiter
                )
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
            if !Self.sameError(error.code, expectedError) {
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
        // Reading stops at the first row that is not UTF-8: the file is in another encoding.
        let notUTF8 = afterHeader.first { $0.problem?.code == .invalidUTF8 }
        let expectedRowError = notUTF8.map { InputError.Code.notUTF8(row: $0.row, looksLike: .windows1252) }
        let expectedRows = afterHeader.filter { ($0.problem != nil || !$0.isEmpty) && $0.row < notUTF8?.row ?? .max }
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
            if let error = expectedRowError ?? outcome.error.map({ .file($0) }) {
                violations.append("the data rows ended without the error \(error)")
            }
        } catch let error as InputError {
            if !Self.sameError(error.code, expectedRowError ?? outcome.error.map({ .file($0) })) {
                violations.append("reading the data rows threw \(error.code)")
            }
        } catch {
            violations.append("reading the data rows threw \(error)")
        }
        if seen != expectedRows.count {
            violations.append("\(seen) data rows read, expected \(expectedRows.count)")
        }
        let skipped = afterHeader.count - expectedRows.count
        if outcome.error == nil, notUTF8 == nil, cursor.emptyRows != skipped {
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

    /// Whether two input errors are the same, but for the encoding a file that is not UTF-8 is guessed to be in.
    private static func sameError(_ found: InputError.Code, _ expected: InputError.Code?) -> Bool {
        if case .notUTF8(let row, _) = found, case .notUTF8(let expectedRow, _) = expected { return row == expectedRow }
        // The row a later header may be at is found by reading on, which the header alone cannot tell.
        if case .noNameColumn(let headers, let later) = found, case .noNameColumn(let expectedHeaders, _) = expected {
            return headers == expectedHeaders && later.map { $0 > 1 } != false
        }
        return found == expected
    }

    /// One data row: its values are those of `record`, and validating it is consistent.
    private static func checkRow(
        _ row: RawRow,
        against record: CSVRecord,
        columns: ColumnMap,
        validator: RowValidator,
        _ violations: inout [String]
    ) {
        let ragged =
            record.fields.count == columns.count
            ? nil : CSVRecordProblem(.ragged(values: record.fields.count, columns: columns.count))
        if row.row != record.row || row.problem != (record.problem ?? ragged) || row.valueCount != record.fields.count {
            violations.append("data row \(row.row) is not record \(describe(record))")
            return
        }
        for field in Field.allCases {
            // The values of a row that has a problem are never used: they read as empty.
            let column = row.problem == nil ? columns.fieldColumns[field] : nil
            let expected = column.map { record.fields[$0] } ?? ""
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
