import FlowBatchModel

extension RowProblem {
    /// The row problem for a record libcsv could not read cleanly, naming its column by header.
    init(_ problem: CSVRecordProblem, columns: ColumnMap) {
        let field: String
        if let column = problem.column, column < columns.columns.count {
            let header = columns.columns[column].header
            field = columns.columns[column].field?.rawValue ?? (header.isEmpty ? "column \(column + 1)" : header)
        } else {
            field = "csv"
        }
        let code: Code
        switch problem.code {
        case .quoteInUnquotedValue, .textAfterClosingQuote, .unterminatedQuote: code = .malformedCSV
        case .tooLarge: code = .rowTooLarge
        case .tooManyColumns: code = .tooManyColumns
        case .nulByte: code = .nulByte
        case .invalidUTF8: code = .invalidUTF8
        case .ragged(let values, let columns): code = values > columns ? .tooManyValues : .tooFewValues
        }
        self.init(field: field, code: code, message: problem.description)
    }
}
