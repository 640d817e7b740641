import FlowBatchModel

/// `run --through` and what the steps past the base connection are made with (DESIGN, "From base
/// connection to dataflow"): the dataset, the mapping set, the flow spec, the schedule, the format.
public struct ChainOptions: Sendable, Equatable {
    /// The last step each row goes to: `connection` (today's behaviour), `source` or `flow`.
    public var through = ChainStep.connection
    /// `--dataset`: the flow's dataset for every row without a `dataset_id` cell.
    public var datasetID: String?
    /// `--mapping-set`: the flow's mapping set for every row without a `mapping_set_id` cell.
    public var mappingSetID: String?
    /// `--flow-spec`: a flow spec other than the one named `RestStorageToAEP`.
    public var flowSpecID: String?
    /// `--schedule`: `once`, `15m`, `1h`, `1d`, `1w`.
    public var schedule = "once"
    /// `--start`: the first row's first run, epoch seconds; `nil` for the start of the run.
    public var startTime: Int64?
    /// `--stagger`: added to the start time of each row after the first.
    public var stagger: Duration = .zero
    /// `--data-format`: the source connection's `data.format`.
    public var dataFormat = "json"

    public init() {}

    /// Whether the run goes past the base connection.
    public var goesPastConnection: Bool { through > .connection }

    /// The steps past the base connection a row goes through, in order.
    public var steps: [ChainStep] {
        ChainStep.allCases.filter { $0 > .connection && $0 <= through }
    }
}
