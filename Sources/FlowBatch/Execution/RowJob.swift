/// One valid row on its way to `POST /connections`.
struct RowJob: Sendable {
    /// The row's place among the data rows.
    var sequence: Int
    var request: ConnectionRequest
    /// The request body, encoded once.
    var body: [UInt8]
    /// The input's own columns, carried to the results.
    var extras: [String]
    var contentFingerprint: String
    var secretFingerprint: String?
    /// An earlier request (this run's or a crashed one's) may have created the connection.
    var lookUpFirst: Bool
    /// IDs of connections with this name that existed before flowbatch sent anything for the row.
    var preexisting: [String]
}

extension RowJob {
    /// The outcome of a row that was never sent because the run stopped first.
    var notRun: RowOutcome {
        RowOutcome(
            sequence: sequence,
            row: request.row,
            name: request.name,
            sandbox: request.sandbox,
            auth: request.credentials.kind,
            status: .notRun,
            extras: extras
        )
    }
}
