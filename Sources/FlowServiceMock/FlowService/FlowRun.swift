/// One run of a flow, worked out from the flow's schedule and the mock's clock rather than stored:
/// a flow has a run for every start its schedule reached (the latest 20), each `success`, or
/// `failed` when the flow's source answers errors.
///
/// Invented trigger, deterministic: a source "answers errors" when the host of the base
/// connection behind the flow's first source connection is in the reserved `.invalid` domain
/// (RFC 2606; the same rule makes `GET /connections/{id}/test` answer `false`), or when that base
/// connection is gone.
struct FlowRun: Sendable {
    /// The fields `GET /runs` can be filtered on (Adobe's filter table for `run`).
    static let filterFields = ["id", "flowId", "state"]

    var id: String
    var flow: StoredResource
    /// Index among the flow's runs, for a total order in listings.
    var index: Int
    /// Epoch seconds.
    var startedAt: Int64
    var failed: Bool

    var state: String { self.failed ? "failed" : "success" }

    /// The runs of `flow` due by `now` (epoch milliseconds).
    static func runs(of flow: StoredResource, now: Int64, failed: Bool) -> [FlowRun] {
        let starts = flow.schedule?.runStarts(now: now / 1_000) ?? []
        return starts.enumerated().map { index, start in
            FlowRun(
                id: Self.id(flow: flow.id, start: start),
                flow: flow,
                index: index,
                startedAt: start,
                failed: failed
            )
        }
    }

    func filterValues(_ field: String) -> [String] {
        switch field {
        case "id": [self.id]
        case "flowId": [self.flow.id]
        case "state": [self.state]
        default: []
        }
    }

    /// Sorted by the flow's creation, then by start.
    var cursor: PageCursor {
        PageCursor(sequence: self.flow.sequence << 16 | UInt64(self.index), name: self.id)
    }

    /// The run as a `FlowRunItemDTO` (with Adobe's filterable `state` beside the metrics' status).
    func item(sandboxID: String, orgID: String) -> JSONOutput {
        let client = JSONOutput.string(self.flow.createdClient)
        let started = self.startedAt * 1_000
        // Invented metrics: a small, fixed ingestion of 2 records.
        let records: Int64 = self.failed ? 0 : 2
        return .object([
            ("id", .string(self.id)),
            ("createdAt", .integer(started)),
            ("updatedAt", .integer(started + 30_000)),
            ("createdBy", client),
            ("updatedBy", client),
            ("createdClient", client),
            ("updatedClient", client),
            ("sandboxId", .string(sandboxID)),
            ("sandboxName", .string(self.flow.sandboxName)),
            ("imsOrgId", .string(orgID)),
            ("flowId", .string(self.flow.id)),
            ("flowSpec", ResourceBody.specMember(FlowSpecCatalog.restStorageToAEPID, FlowSpecCatalog.versions[0])),
            ("state", .string(self.state)),
            (
                "metrics",
                .object([
                    (
                        "durationSummary",
                        .object([("startedAtUTC", .integer(started)), ("completedAtUTC", .integer(started + 30_000))])
                    ),
                    (
                        "recordSummary",
                        .object([
                            ("inputRecordCount", .integer(records)), ("outputRecordCount", .integer(records)),
                            ("failedRecordCount", 0),
                        ])
                    ),
                    ("statusSummary", .object([("status", .string(self.state))])),
                ])
            ),
        ])
    }

    /// A run ID that is the same on every listing: a UUID made from the flow's ID and the start.
    private static func id(flow: String, start: Int64) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in flow.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        var mixer = SplitMix64(seed: hash ^ UInt64(bitPattern: start))
        return RandomText.uuid(high: mixer.next(), low: mixer.next())
    }
}
