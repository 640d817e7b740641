/// The steps of a row's onboarding chain, in order: base connection, source connection, target
/// connection, flow (DESIGN, "From base connection to dataflow"). `run --through` names the last
/// one a row goes to (`connection`, `source` or `flow`); the results' `step` column the last done.
public enum ChainStep: String, Sendable, CaseIterable, Comparable, Hashable {
    case connection
    case source
    case target
    case flow

    public static func < (lhs: ChainStep, rhs: ChainStep) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One source param of the connection spec's `sourceSpec`: a leaf property of its JSON Schema, by
/// its dotted path (`urlParams.path`), which is also the column that holds it.
public struct SourceParam: Sendable, Equatable {
    /// The JSON Schema types a cell can be read as.
    public enum ValueType: String, Sendable, Equatable {
        case string, integer, number, boolean
    }

    /// The dotted path from the `params` object: `urlParams.path`.
    public var path: String
    public var type: ValueType
    /// The values the schema allows, when it lists them (`enum`).
    public var enumValues: [String]?
    /// Required by the schema: listed in `required` at its level, and every object above it is
    /// required too (a param below an optional object is required once a sibling is given).
    public var required: Bool
    /// The schema's description, for `check`.
    public var description: String?
    /// For each component of ``path``, whether its object's `required` lists it (`urlParams.path`
    /// below an optional `urlParams`: `[false, true]`): a param below an optional object is required
    /// only once that object is given. ``required`` is all of them.
    public var requiredAtEachLevel: [Bool]

    /// A param; `requiredAtEachLevel` defaults to `required` at every level of `path`.
    public init(
        path: String,
        type: ValueType,
        enumValues: [String]? = nil,
        required: Bool,
        description: String? = nil,
        requiredAtEachLevel: [Bool]? = nil
    ) {
        self.path = path
        self.type = type
        self.enumValues = enumValues
        self.required = required
        self.description = description
        self.requiredAtEachLevel =
            requiredAtEachLevel ?? Array(repeating: required, count: path.split(separator: ".").count)
    }
}

/// The source params the service's connection spec lists (its `sourceSpec`), read from the
/// service, never assumed: generic REST's is not documented by Adobe.
public struct SourceParamsSchema: Sendable, Equatable {
    public var params: [SourceParam]

    public init(params: [SourceParam]) {
        self.params = params
    }
}

/// A Catalog dataset a target connection writes into: its `schemaRef` is the target's schema.
public struct DatasetInfo: Sendable, Equatable {
    public var id: String
    public var name: String?
    /// `schemaRef.id`.
    public var schemaID: String
    /// `schemaRef.contentType`, e.g. `application/vnd.adobe.xed-full+json;version=1`.
    public var schemaVersion: String?

    public init(id: String, name: String? = nil, schemaID: String, schemaVersion: String? = nil) {
        self.id = id
        self.name = name
        self.schemaID = schemaID
        self.schemaVersion = schemaVersion
    }
}

/// A Data Prep mapping set a flow's `Mapping` transformation names.
public struct MappingSetInfo: Sendable, Equatable {
    public var id: String
    public var version: Int

    public init(id: String, version: Int) {
        self.id = id
        self.version = version
    }
}

/// A flow spec (`RestStorageToAEP`): which connection specs it joins.
public struct FlowSpecInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var version: String
    public var sourceConnectionSpecIDs: [String]
    public var targetConnectionSpecIDs: [String]

    public init(
        id: String,
        name: String,
        version: String = "1.0",
        sourceConnectionSpecIDs: [String],
        targetConnectionSpecIDs: [String]
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.sourceConnectionSpecIDs = sourceConnectionSpecIDs
        self.targetConnectionSpecIDs = targetConnectionSpecIDs
    }
}

/// What `run --through source|flow` (and `check`) read from the service once, before any write.
public struct ChainSpecs: Sendable, Equatable {
    public var sourceParams: SourceParamsSchema
    /// `nil` for `--through source`.
    public var flowSpec: FlowSpecInfo?
    public var datasets: [String: DatasetInfo]
    public var mappingSets: [String: MappingSetInfo]

    public init(
        sourceParams: SourceParamsSchema,
        flowSpec: FlowSpecInfo?,
        datasets: [String: DatasetInfo] = [:],
        mappingSets: [String: MappingSetInfo] = [:]
    ) {
        self.sourceParams = sourceParams
        self.flowSpec = flowSpec
        self.datasets = datasets
        self.mappingSets = mappingSets
    }

    /// The Data Lake connection spec of every target connection into Platform.
    public static let dataLakeSpecID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
    /// The flow spec a generic REST source's flows use, looked up by this name.
    public static let restFlowSpecName = "RestStorageToAEP"
    /// The XDM schema version a target connection sends when the dataset names none.
    public static let xdmSchemaVersion = "application/vnd.adobe.xed-full+json;version=1"
}

/// A flow's schedule (`--schedule`, `--start`, `--stagger`): its `scheduleParams`.
public struct ChainSchedule: Sendable, Equatable {
    /// `once`, `minute`, `hour`, `day` or `week`, as the Flow Service names them.
    public var frequency: String
    /// Units between runs; `nil` for `once`.
    public var interval: Int?
    /// The first run, in epoch seconds.
    public var startTime: Int64

    public init(frequency: String, interval: Int?, startTime: Int64) {
        self.frequency = frequency
        self.interval = interval
        self.startTime = startTime
    }

    /// Reads `--schedule`: `once`, or a count and a unit, `15m` (at least 15 minutes), `1h`, `1d`, `1w`;
    /// `nil` with the reason for anything else.
    public static func parse(_ text: String, startTime: Int64) -> Result<ChainSchedule, ScheduleError> {
        let trimmed = String(text.lowercased().filter { $0 != " " })
        if trimmed == "once" { return .success(ChainSchedule(frequency: "once", interval: nil, startTime: startTime)) }
        let units: [Character: String] = ["m": "minute", "h": "hour", "d": "day", "w": "week"]
        guard let unit = trimmed.last, let frequency = units[unit], let count = Int(trimmed.dropLast()), count >= 1
        else {
            return .failure(
                ScheduleError("'\(text)' is not a schedule: use once, 15m, 1h, 1d or 1w (a count and a unit)")
            )
        }
        guard frequency != "minute" || count >= 15 else {
            return .failure(ScheduleError("'\(text)': the Flow Service runs a flow at most every 15 minutes (15m)"))
        }
        return .success(ChainSchedule(frequency: frequency, interval: count, startTime: startTime))
    }

    /// Why a `--schedule` cannot be used.
    public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}
