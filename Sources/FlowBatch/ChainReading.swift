import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI

/// Reads, once per run (and by `check`), before any write, what the dataflow chain is built from:
/// the source params the connection spec lists, the flow spec, each dataset and each mapping set
/// (DESIGN, "From base connection to dataflow").
///
/// Anything missing or unfit is a ``ConfigurationError`` (exit 64) naming the ID, what is wrong and
/// where it came from: a run that went on would create base and source connections for rows whose
/// flow can never be made. Answers that would be the same for any ID (a refused token or key, no
/// permission, the service unreachable) stay ``RunError``s, as in ``ConnectionSpecReading``.
enum ChainReading {
    /// Where the IDs came from, for the messages: by ID, e.g. `--dataset` or `the dataset_id column
    /// (row 4)`; an ID without one is said to come from either.
    struct Origins: Sendable {
        var datasets: [String: String] = [:]
        var mappingSets: [String: String] = [:]
    }

    /// Reads what `through` needs: the source params for `source` and `flow`; the flow spec (by
    /// `flowSpecID` when given, else by name ``ChainSpecs/restFlowSpecName``) for `flow`; every dataset
    /// and mapping set given, several at once. Each read goes through `retrying` when given (the
    /// session's ``RequestPolicy/read`` retrier), so a transient failure is retried as any read is;
    /// without it, a transient failure is thrown.
    static func read(
        client: FlowServiceClient,
        sandbox: String,
        through: ChainStep,
        sourceParams: SourceParamsSchema?,
        flowSpecID: String?,
        datasetIDs: Set<String>,
        mappingSetIDs: Set<String>,
        origins: Origins = Origins(),
        retrying: (any Retrying)? = nil,
        notify: (String) -> Void
    ) async throws -> ChainSpecs {
        guard through > .connection else {
            return ChainSpecs(sourceParams: sourceParams ?? SourceParamsSchema(params: []), flowSpec: nil)
        }
        guard let sourceParams, !sourceParams.params.isEmpty else {
            throw ConfigurationError(
                "the service's connection spec \(GenericRESTSpec.connectionSpecID) lists no source params (its"
                    + " sourceSpec), or it could not be read: a source connection cannot be built without knowing"
                    + " them; check --endpoint, or run --through connection"
            )
        }
        let reader = Reader(client: client, sandbox: sandbox, retrying: retrying)
        // The flow spec, the datasets and the mapping sets at once: each is a round trip before the
        // first create, and none needs another.
        async let readSpec = through == .flow ? readFlowSpec(reader, id: flowSpecID) : nil
        async let readDatasets = reader.each(datasetIDs) { client, id throws(RunError) in
            try await client.dataset(id: id, sandbox: sandbox)
        }
        async let readMappingSets = reader.each(mappingSetIDs) { client, id throws(RunError) in
            try await client.mappingSet(id: id, sandbox: sandbox)
        }
        let flowSpec = try await readSpec
        var problems: [String] = []
        let datasets = try await readDatasets
        for id in datasetIDs.sorted() {
            let origin = origins.datasets[id] ?? "--dataset or a dataset_id column"
            switch datasets[id] {
            case .missing?, nil:
                problems.append("dataset \(id) (from \(origin)) does not exist in Catalog: check the ID and the org")
            case .refused(let error)?:
                problems.append("dataset \(id) (from \(origin)) could not be read: \(Self.words(error))")
            case .found(let dataset)? where dataset.schemaID.isEmpty:
                problems.append(
                    "dataset \(id)\(dataset.name.map { " ('\($0)')" } ?? "") (from \(origin)) has no schemaRef: a"
                        + " target connection writes with the dataset's XDM schema; use a dataset made from a schema"
                )
            case .found(let dataset)?:
                if dataset.schemaVersion == nil {
                    notify(
                        "warning: dataset \(id)'s schemaRef gives no contentType; target connections send"
                            + " '\(ChainSpecs.xdmSchemaVersion)'"
                    )
                }
            }
        }
        let mappingSets = try await readMappingSets
        for id in mappingSetIDs.sorted() {
            let origin = origins.mappingSets[id] ?? "--mapping-set or a mapping_set_id column"
            switch mappingSets[id] {
            case .missing?, nil:
                problems.append("mapping set \(id) (from \(origin)) does not exist in Data Prep: check the ID")
            case .refused(let error)?:
                problems.append("mapping set \(id) (from \(origin)) could not be read: \(Self.words(error))")
            case .found?:
                break
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems.joined(separator: "; ")) }
        return ChainSpecs(
            sourceParams: sourceParams,
            flowSpec: flowSpec,
            datasets: datasets.compactMapValues(\.value),
            mappingSets: mappingSets.compactMapValues(\.value)
        )
    }

    /// The flow spec, refused unless it joins generic REST to the Data Lake.
    private static func readFlowSpec(_ reader: Reader, id: String?) async throws -> FlowSpecInfo {
        let name = ChainSpecs.restFlowSpecName
        let origin = id == nil ? "looked up by name \(name)" : "from --flow-spec"
        let sandbox = reader.sandbox
        let read = try await reader.one { client throws(RunError) in
            if let id { return try await client.flowSpec(id: id, sandbox: sandbox) }
            return try await client.flowSpec(named: name, sandbox: sandbox)
        }
        let spec: FlowSpecInfo
        switch read {
        case .found(let found): spec = found
        case .missing:
            throw ConfigurationError(
                id.map { "flow spec \($0) (from --flow-spec) does not exist: check the ID, or leave --flow-spec out" }
                    ?? "the service lists no flow spec named \(name): give the ID of one that joins generic REST to"
                    + " the Data Lake with --flow-spec ID"
            )
        case .refused(let error):
            throw ConfigurationError("flow spec \(id ?? name) (\(origin)) could not be read: \(Self.words(error))")
        }
        if let problem = joinProblem(spec, origin: origin, fromOption: id != nil) { throw ConfigurationError(problem) }
        return spec
    }

    /// Why `spec` cannot carry a generic REST source into the Data Lake, `nil` when it can: its
    /// `sourceConnectionSpecIds` must hold the generic REST spec and its `targetConnectionSpecIds` the
    /// Data Lake's (the protocols tutorial's `CRMToAEP` holds neither).
    static func joinProblem(_ spec: FlowSpecInfo, origin: String, fromOption: Bool) -> String? {
        let joinsSource = spec.sourceConnectionSpecIDs.contains { $0.lowercased() == GenericRESTSpec.connectionSpecID }
        let joinsTarget = spec.targetConnectionSpecIDs.contains { $0.lowercased() == ChainSpecs.dataLakeSpecID }
        guard !joinsSource || !joinsTarget else { return nil }
        func list(_ ids: [String]) -> String { ids.isEmpty ? "none" : ids.joined(separator: ", ") }
        return "flow spec '\(spec.name)' \(spec.id) (\(origin)) does not join generic REST"
            + " (\(GenericRESTSpec.connectionSpecID)) to the Data Lake (\(ChainSpecs.dataLakeSpecID)): its"
            + " source specs are \(list(spec.sourceConnectionSpecIDs)), its target specs"
            + " \(list(spec.targetConnectionSpecIDs)); give the ID of one that does with --flow-spec"
            + (fromOption ? ", or leave --flow-spec out to use \(ChainSpecs.restFlowSpecName)" : "")
    }

    /// A refusal as a message part: the service's words and its code.
    private static func words(_ error: RunError) -> String {
        "\(error.message) [\(error.resultCode)]"
    }

    /// What one read came to: found, not there (404), or refused for this ID alone (a 400 naming it).
    enum Read<Value: Sendable>: Sendable {
        case found(Value)
        case missing
        case refused(RunError)

        var value: Value? {
            if case .found(let value) = self { return value }
            return nil
        }
    }

    /// Sends reads through the retrier (when there is one), classifying each failure.
    struct Reader: Sendable {
        let client: FlowServiceClient
        let sandbox: String
        let retrying: (any Retrying)?

        /// One read: its value, `missing` for `nil`; a refusal of this request alone is `refused`; a
        /// run error, or a failure the retrier gave up on, is thrown.
        func one<Value: Sendable>(
            _ request: @Sendable (FlowServiceClient) async throws(RunError) -> Value?
        ) async throws(RunError) -> Read<Value> {
            func attempt(_: Int) async throws(RunError) -> TryVerdict<Read<Value>> {
                do throws(RunError) {
                    return .done(try await request(client).map(Read.found) ?? .missing)
                } catch {
                    switch try AnswerClassifier.classify(error, sandbox: sandbox) {
                    case .runError(let stopping), .sandboxError(let stopping): throw stopping
                    case .rowError(let refused): return .done(.refused(refused))
                    case .transient(let reason, _): return .again(reason)
                    }
                }
            }
            guard let retrying else {
                switch try await attempt(1) {
                case .done(let read): return read
                case .again(let reason): throw reason.failure
                }
            }
            switch try await retrying.run(attempt) {
            case .done(let read): return read
            case .gaveUp(let reason): throw reason.failure
            case .stopped(let reason): throw reason?.failure ?? RunError(.stopped, "the run was stopped")
            }
        }

        /// Reads sent at once by ``each(_:_:)``: a file whose every row names its own dataset still
        /// opens with a handful of requests in flight, not one per row.
        static let inFlight = 16

        /// ``one(_:)`` for every ID, ``inFlight`` at a time (a task group), by ID (`request` is given each
        /// ID); the first error thrown ends them all.
        func each<Value: Sendable>(
            _ ids: Set<String>,
            _ request: @escaping @Sendable (FlowServiceClient, String) async throws(RunError) -> Value?
        ) async throws(RunError) -> [String: Read<Value>] {
            do {
                return try await withThrowingTaskGroup(of: (String, Read<Value>).self) { group in
                    var next = ids.makeIterator()
                    func startNext() -> Bool {
                        guard let id = next.next() else { return false }
                        group.addTask {
                            (id, try await one { client throws(RunError) in try await request(client, id) })
                        }
                        return true
                    }
                    var started = 0
                    while started < Self.inFlight, startNext() { started += 1 }
                    var reads: [String: Read<Value>] = [:]
                    while let (id, read) = try await group.next() {
                        reads[id] = read
                        _ = startNext()
                    }
                    return reads
                }
            } catch let error as RunError {
                throw error
            } catch {
                throw RunError(.stopped, "the run was stopped")
            }
        }
    }
}
