import FlowBatchModel
import Synchronization

/// The sandboxes the service refused for every row (it does not exist for the org, or the
/// credentials lack a permission there), each with the answer that said so.
///
/// Learned once, from the start-of-run listing or from the first create that meets it: later rows of
/// that sandbox fail with the same answer without another request, and the other sandboxes go on.
public final class SandboxRefusals: Sendable {
    private let refused = Mutex<[String: RunError]>([:])

    public init() {}

    /// Records that the service refused `sandbox`; the first answer is kept.
    func refuse(_ sandbox: String, _ failure: RunError) {
        refused.withLock { if $0[sandbox] == nil { $0[sandbox] = failure } }
    }

    /// Why the service refused `sandbox`, or `nil` while it has not.
    func failure(for sandbox: String) -> RunError? {
        refused.withLock { $0[sandbox] }
    }

    /// The run error when every sandbox in `sandboxes` is refused: no row can be sent at all.
    func stopsEveryRow(of sandboxes: [String]) -> RunError? {
        let all = refused.withLock { state in sandboxes.compactMap { sandbox in state[sandbox].map { (sandbox, $0) } } }
        guard !sandboxes.isEmpty, all.count == sandboxes.count, let first = all.first else { return nil }
        let code: RunError.Code = first.1.httpStatus == 404 ? .sandboxNotFound : .permissionDenied
        if all.count == 1 {
            return RunError(code, first.1.message, serviceCode: first.1.resultCode, requestID: first.1.requestID)
        }
        return RunError(
            code,
            "no sandbox of the input can be used: " + all.map(\.1.message).joined(separator: "; "),
            serviceCode: first.1.resultCode
        )
    }
}
