import Hummingbird

extension MockState {
    /// What a request does in its sandbox: the permission it needs there.
    enum Access: String {
        case view
        case manage
    }

    /// The sandbox named by `x-sandbox-name`: `FLOW-2105-400` when missing, `FLOW-2121-403` when
    /// the token lacks `access` there (``MockFaults/forbiddenSandboxes``), `FLOW-2100-404` when
    /// no such sandbox exists. Every sandboxed route of every kind checks it the same way.
    func sandbox(of request: Request, access: Access) throws(FlowServiceProblem) -> String {
        guard let name = request.headers[.xSandboxName], !name.isEmpty else { throw .sandboxHeaderMissing }
        guard !self.faults.faults.forbiddenSandboxes.contains(name) else {
            throw .permissionDenied(access.rawValue)
        }
        guard self.sandboxIDs[name] != nil else { throw .sandboxNotFound(name) }
        return name
    }
}
