import FlowBatchIngest
import FlowBatchModel
import FlowServiceAPI

/// `validate --through source|flow`: the chain's checks of a row (source params against the
/// connection spec's `sourceSpec`, the row's dataset and mapping set), after the same read-only
/// reads a run makes before any write, so that a row `validate` passes is one the run's row decision
/// passes too.
public struct ChainRowChecks: Sendable {
    let rows: ChainRows

    /// Reads the connection spec, the flow spec, the datasets and the mapping sets `input`'s first
    /// `limit` rows name, with `session`'s client (the token first: refused credentials are exit 64).
    /// `nil` for `--through connection`, which needs none of them.
    public static func read(
        _ options: ChainOptions,
        input: InputFile,
        limit: Int?,
        sandbox: String,
        oauthOverride: String?,
        session: FlowServiceSession<ContinuousClock>,
        notify: (String) -> Void
    ) async throws -> ChainRowChecks? {
        guard options.goesPastConnection else { return nil }
        let client = session.client
        let columns = try input.open().columns
        try await client.startToken()
        let rows = try await ChainRows.readSpecs(
            options,
            input: input,
            limit: limit,
            sandbox: sandbox,
            oauthOverride: oauthOverride,
            extraHeaders: columns.extraHeaders,
            session: session,
            notify: notify
        ).chain
        return rows.map(ChainRowChecks.init)
    }

    /// The chain's problems of `row` (none for a row the reader could not read: its problem is the row's).
    public func problems(_ row: RawRow) -> [RowProblem] {
        row.problem == nil ? rows.read(row.extras()).problems : []
    }
}
