import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI

/// Reads, once at the start of a run (or a dry run, or `check`), the auth spec names and required
/// params the service accepts, so that no OAuth row fails on a guessed spelling.
///
/// A spec that cannot be read falls back to ``ConnectionAuthSpecs/builtIn`` with a warning; an
/// answer that would be the same for every request (a refused token or key, an unknown spec ID)
/// is a run error. `--oauth-spec-name` still overrides the OAuth name.
enum ConnectionSpecReading {
    static func read(
        client: FlowServiceClient,
        sandbox: String,
        oauthOverride: String?,
        notify: (String) -> Void
    ) async throws(RunError) -> ConnectionAuthSpecs {
        var specs = ConnectionAuthSpecs.builtIn
        let fallback = "; using the built-in auth spec names ('\(specs.basicName)', '\(specs.oauthName)')"
        do {
            if let read = try await client.connectionSpec(sandbox: sandbox) {
                specs = read
            } else {
                notify(
                    "warning: the service's connection spec lists no basic and OAuth 2 refresh-code auth specs"
                        + fallback
                )
            }
        } catch {
            // A path the gateway does not know (404) only costs the spec: the listing that follows
            // tells a wrong --endpoint apart. A certificate that is not trusted will not become trusted
            // by the next request.
            if error.httpStatus != 404 || !error.isRefusal,
                case .runError(let stopping) = try AnswerClassifier.classify(error, sandbox: sandbox)
            {
                throw stopping
            }
            notify("warning: the connection spec could not be read (\(error.message))" + fallback)
        }
        if let oauthOverride, oauthOverride != specs.oauthName {
            if specs.fromService, !specs.listed.contains(oauthOverride) {
                notify(
                    "warning: --oauth-spec-name '\(oauthOverride)' is not among the auth specs the service lists"
                        + " (\(specs.listed.map { "'\($0)'" }.joined(separator: ", ")))"
                )
            }
            specs.oauthName = oauthOverride
        }
        return specs
    }
}
