extension MockState {
    /// The runs of every flow in `sandbox` (all sandboxes when `nil`) due by now on the mock's clock.
    func runs(sandbox: String?) -> [FlowRun] {
        let now = self.epochMilliseconds
        return self.resources.snapshot(.flows, sandbox: sandbox).flatMap { flow in
            FlowRun.runs(of: flow, now: now, failed: self.sourceFails(flow))
        }
    }

    /// Whether `flow`'s runs fail, by the trigger ``FlowRun`` documents.
    private func sourceFails(_ flow: StoredResource) -> Bool {
        guard let sourceID = flow.fields["sourceConnectionIds"]?.first,
            let source = self.resources.resource(.sourceConnections, id: sourceID, sandbox: flow.sandboxName),
            let baseID = source.uses.first,
            let base = self.store.connection(id: baseID, sandbox: flow.sandboxName)
        else { return true }
        return CreateConnectionRequest.isReservedInvalid(base.visibleParams["host"] ?? "")
    }
}
