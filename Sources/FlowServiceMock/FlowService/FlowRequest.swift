import NIOCore

/// A `POST /flows` body that passed the checks: ``ResourceBody``'s; no `state` (`FLOW-1410`); the
/// `RestStorageToAEP` `flowSpec` (`FLOW-1413`); non-empty `sourceConnectionIds` and
/// `targetConnectionIds` (`MOCK-4005`; that they exist is checked when storing, `MOCK-4010`);
/// `transformations`, optional, whose `Mapping` one names a mapping set the mock serves
/// (`MOCK-4010`) at its version (`FLOW-1412`); and `scheduleParams` by ``schedule(_:)``.
struct FlowRequest: Sendable {
    var body: ResourceBody
    var flowSpecVersion: String
    var sourceConnectionIDs: [String]
    var targetConnectionIDs: [String]
    var transformations: JSONOutput
    var schedule: FlowSchedule

    /// The largest `startTime` read as epoch seconds: later ones (year 5138 on) are taken for
    /// milliseconds, a client's likely mistake, and refused (an invented rule).
    static let largestStartTime: Int64 = 99_999_999_999

    init(_ buffer: ByteBuffer, mappingSets: [MockMappingSet]) throws(FlowServiceProblem) {
        let body = try ResourceBody(buffer)
        self.body = body
        if body.root["state"] != nil { throw .stateInCreateFlow }
        self.flowSpecVersion = try body.spec(
            "flowSpec",
            expectedID: FlowSpecCatalog.restStorageToAEPID,
            versions: FlowSpecCatalog.versions,
            kind: "flow"
        )
        self.sourceConnectionIDs = try Self.ids(body.root, "sourceConnectionIds")
        self.targetConnectionIDs = try Self.ids(body.root, "targetConnectionIds")
        self.transformations = try Self.transformations(body.root["transformations"], mappingSets: mappingSets)
        self.schedule = try Self.schedule(body.object("scheduleParams"))
    }

    private static func ids(_ root: [String: JSONValue], _ key: String) throws(FlowServiceProblem) -> [String] {
        switch root[key] {
        case .array(let elements) where !elements.isEmpty:
            let ids = elements.compactMap(\.stringValue).filter { !$0.isEmpty }
            guard ids.count == elements.count else { throw .wrongType(key, expected: "a list of IDs") }
            return ids
        case .array, .null, nil: throw .missingField(key)
        default: throw .wrongType(key, expected: "a list of IDs")
        }
    }

    private static func transformations(
        _ value: JSONValue?,
        mappingSets: [MockMappingSet]
    ) throws(FlowServiceProblem) -> JSONOutput {
        guard let value, value != .null else { return .array([]) }
        guard case .array(let elements) = value else { throw .wrongType("transformations", expected: "a list") }
        for element in elements {
            guard case .object(let fields) = element, let name = fields["name"]?.stringValue,
                case .object(let params)? = fields["params"]
            else { throw .wrongType("transformations", expected: "a list of {name, params} objects") }
            guard name == "Mapping" else { continue }
            guard let mappingID = params["mappingId"]?.stringValue, !mappingID.isEmpty else {
                throw .missingField("transformations.params.mappingId")
            }
            guard let mappingSet = mappingSets.first(where: { $0.id == mappingID }) else {
                throw .unknownReference("mappingId", mappingID)
            }
            let version = params["mappingVersion"].map(Self.text) ?? String(mappingSet.version)
            guard version == String(mappingSet.version) else {
                throw .invalidMappingVersion(version, mappingID: mappingID)
            }
        }
        return JSONOutput(value)
    }

    /// A JSON value as text: a string as is, a whole number in digits, anything else as written.
    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): Int64(exactly: number).map(String.init) ?? String(number)
        default: ""
        }
    }

    /// `scheduleParams` as the flow spec's schedule spec and the create flow description say:
    /// `startTime` in epoch seconds and `frequency` required; `interval` none for `once`, required
    /// and at least 15 for `minute`, at least 1 otherwise (an integer, or its digits as text, since
    /// the OpenAPI file types it a string and the tutorials send a number); `backfill` a boolean,
    /// not with `once`. Errors are `MOCK-4012`.
    static func schedule(_ params: [String: JSONValue]) throws(FlowServiceProblem) -> FlowSchedule {
        guard case .number(let start)? = params["startTime"], let startTime = Int64(exactly: start), startTime >= 0
        else { throw .invalidSchedule("startTime must be a whole number of epoch seconds.") }
        guard startTime <= Self.largestStartTime else {
            throw .invalidSchedule("startTime \(startTime) is not in epoch seconds (milliseconds?).")
        }
        guard let text = params["frequency"]?.stringValue, let frequency = FlowSchedule.Frequency(rawValue: text) else {
            throw .invalidSchedule(
                "frequency must be one of " + FlowSchedule.Frequency.allCases.map(\.rawValue).joined(separator: ", ")
                    + "."
            )
        }
        var backfill: Bool?
        switch params["backfill"] {
        case .bool(let flag)?: backfill = flag
        case nil, .null?: break
        default: throw .invalidSchedule("backfill must be true or false.")
        }
        let interval: Int64?
        switch params["interval"] {
        case nil, .null?: interval = nil
        case .number(let number)?: interval = Int64(exactly: number)
        case .string(let digits)?: interval = Int64(digits)
        default: throw .invalidSchedule("interval must be a whole number.")
        }
        if frequency == .once {
            guard params["interval"] == nil || params["interval"] == .null else {
                throw .invalidSchedule("interval is not allowed when frequency is once.")
            }
            guard backfill == nil else { throw .invalidSchedule("backfill is not allowed when frequency is once.") }
            return FlowSchedule(startTime: startTime, frequency: .once, interval: nil, backfill: nil)
        }
        let minimum: Int64 = frequency == .minute ? 15 : 1
        guard let interval, interval >= minimum else {
            throw .invalidSchedule("interval must be a whole number of at least \(minimum) when frequency is \(text).")
        }
        return FlowSchedule(startTime: startTime, frequency: frequency, interval: interval, backfill: backfill)
    }

    /// The kind's own members and filter values.
    var resource: (members: [(String, JSONOutput)], fields: [String: [String]]) {
        var schedule: [(String, JSONOutput)] = [
            ("startTime", .integer(self.schedule.startTime)),
            ("frequency", .string(self.schedule.frequency.rawValue)),
        ]
        // The OpenAPI file's ScheduleSpecDTO types `interval` a string; the mock answers it so.
        if let interval = self.schedule.interval {
            schedule.append(("interval", .string(String(interval))))
        }
        if let backfill = self.schedule.backfill {
            schedule.append(("backfill", .bool(backfill)))
        }
        return (
            [
                ("flowSpec", ResourceBody.specMember(FlowSpecCatalog.restStorageToAEPID, self.flowSpecVersion)),
                ("sourceConnectionIds", .array(self.sourceConnectionIDs.map(JSONOutput.string))),
                ("targetConnectionIds", .array(self.targetConnectionIDs.map(JSONOutput.string))),
                ("transformations", self.transformations),
                ("scheduleParams", .object(schedule)),
            ],
            [
                "flowSpec.id": [FlowSpecCatalog.restStorageToAEPID],
                "sourceConnectionIds": self.sourceConnectionIDs,
                "targetConnectionIds": self.targetConnectionIDs,
            ]
        )
    }
}
