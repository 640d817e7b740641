import Foundation

/// A run of a flow, as `GET /runs` shows it now (runs are worked out from the flow's schedule and
/// the mock's clock; see ``RunningMock/runs(flowID:sandbox:)``).
public struct MockRun: Sendable, Equatable, Hashable {
    public var id: String
    public var flowID: String
    /// `success`, or `failed` when the flow's base connection host is in the `.invalid` domain.
    public var state: String
    /// When the run started (its scheduled start).
    public var startedAt: Date

    init(_ run: FlowRun) {
        self.id = run.id
        self.flowID = run.flow.id
        self.state = run.state
        self.startedAt = Date(timeIntervalSince1970: Double(run.startedAt))
    }
}
