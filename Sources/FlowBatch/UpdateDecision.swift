import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// `--if-exists update`: what a valid row whose name may already be taken needs, decided the same
/// way for the run and for `--dry-run`.
///
/// Known to the journal (created or updated through it, so its fingerprints are known): `unchanged`
/// when they match, else patched. Found by name only: patched, since what it holds cannot be read.
/// Several with the name, another auth type, or a journaled connection gone since: failed.
enum UpdateDecision: Equatable {
    /// No connection has the row's name (or an unanswered create must be recovered first): as usual.
    case asUsual
    case unchanged(id: String, etag: String?)
    case patch(id: String, etag: String?, description: Bool)
    case failed(code: String, message: String, id: String?)

    static func decide(
        _ request: ConnectionRequest,
        entry: ResumeState.Entry?,
        named: [FlowServiceClient.Listed],
        fingerprint: String,
        secretFingerprint: String?
    ) -> UpdateDecision {
        let target: FlowServiceClient.Listed
        if let done = entry?.done {
            guard let current = named.first(where: { $0.id == done.connectionID }) else {
                // Deleted since (the listing at the start does not hold it): neither unchanged nor
                // patchable. Its ID stays in the results; creating it anew is left to the user.
                return .failed(
                    code: "connection-gone",
                    message: "the connection \(done.connectionID) that the journal records no longer exists in sandbox"
                        + " \(request.sandbox); it was not created again (run with --restart and another --out to create it)",
                    id: done.connectionID
                )
            }
            if done.secretFingerprint != nil, done.secretFingerprint == secretFingerprint,
                done.contentFingerprint == fingerprint
            {
                return .unchanged(id: done.connectionID, etag: current.etag ?? done.etag)
            }
            target = current
        } else if entry?.lookUpFirst == true {
            return .asUsual
        } else if named.count > 1 {
            return .failed(
                code: "ambiguous-name",
                message: "\(named.count) connections are named \"\(request.name)\" in sandbox \(request.sandbox) ("
                    + named.map(\.id).joined(separator: ", ") + "); none was updated: rename or delete all but one",
                id: nil
            )
        } else if let only = named.first {
            target = only
        } else {
            return .asUsual
        }
        if let spec = target.authSpecName, let kind = AuthName.kind(of: spec), kind != request.credentials.kind {
            return .failed(
                code: "auth-changed",
                message:
                    "the connection \(target.id) uses '\(spec)' and the row is \(request.credentials.kind.rawValue);"
                    + " a patch cannot change the authentication type: delete the connection, then run again to create it",
                id: target.id
            )
        }
        let description = request.description != nil && request.description != target.description
        return .patch(id: target.id, etag: target.etag ?? entry?.done?.etag, description: description)
    }
}
