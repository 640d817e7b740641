import FlowBatchModel

extension RunError {
    /// For an endpoint without the Flow Service's path (a bare host, as people copy it from a
    /// browser: `http://127.0.0.1:8080`) that answers 404 or 405 on that path: the same error,
    /// saying which endpoint was probably meant.
    func suggestingFlowServicePath(endpoint: String) -> RunError {
        let path = "/data/foundation/flowservice"
        guard code == .forbidden, httpStatus == 404 || httpStatus == 405, !endpoint.hasSuffix(path) else {
            return self
        }
        var error = self
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        error.message += "; did you mean --endpoint \(base)\(path)?"
        return error
    }
}
