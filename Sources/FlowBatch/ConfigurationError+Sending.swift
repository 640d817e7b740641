import FlowBatchModel
import FlowServiceAPI

extension ConfigurationError {
    /// Gets `client`'s first token and runs `reading` (read-only requests, such as the connection
    /// spec), then the set-up: credentials that IMS or the gateway refuse and a certificate that is
    /// not trusted are configuration errors found before any file is written (see
    /// ``FlowServiceClient/startToken()``).
    /// The session is shut down when any fails.
    static func beforeSending<T, C: Clock>(
        startingTokenOf session: FlowServiceSession<C>,
        reading: () async throws -> Void = {},
        _ body: () throws -> T
    ) async throws -> T {
        do {
            try await session.client.startToken()
            do {
                try await reading()
            } catch let error as RunError where ExitStatus.beforeWriting(error) == .configuration {
                // The gateway refusing the key, the org or the token before anything was written: the
                // settings are wrong, and no journal binds the corrected command.
                throw ConfigurationError(error.description)
            }
            return try beforeSending(body)
        } catch {
            await session.shutdown()
            throw error
        }
    }
}
