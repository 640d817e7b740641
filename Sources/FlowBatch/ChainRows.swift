import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// What a row past its base connection needs (`run --through source|flow`): the names, source params,
/// dataset, mapping set and start time of its source connection, target connection and flow, and
/// what the journal already records of them.
struct ChainPlan: Sendable, Equatable {
    /// The steps past the base connection the row goes through, in order.
    var steps: [ChainStep]
    var sourceName: String
    var targetName: String
    var flowName: String
    /// The source params by dotted path, as the cells give them.
    var params: [String: String]
    var dataset: DatasetInfo?
    var mapping: MappingSetInfo?
    var schedule: ChainSchedule
    /// The source connection's `data.format`.
    var dataFormat: String
    /// What earlier runs' journal records of each step.
    var known: [ChainStep: ResumeState.Step]

    /// The name of the row's resource of `step`.
    func name(of step: ChainStep, connection: String) -> String {
        switch step {
        case .connection: connection
        case .source: sourceName
        case .target: targetName
        case .flow: flowName
        }
    }

    /// The IDs the journal records for the row's steps.
    var knownIDs: RowOutcome.Chain {
        var chain = RowOutcome.Chain()
        for step in steps { chain[step] = known[step]?.id }
        return chain
    }

    /// Whether every step already has its resource.
    var isComplete: Bool { steps.allSatisfy { known[$0]?.id != nil } }

    /// The create of the row's resource of `step` on base connection `connectionID`, given the IDs of
    /// the steps before it (`chain`); `nil` for a target without a dataset or a flow without a flow
    /// spec (the row decision makes such a row invalid before it is sent).
    func create(
        _ step: ChainStep,
        specs: ChainSpecs,
        sandbox: String,
        connectionID: String,
        chain: RowOutcome.Chain
    ) -> ResourceCreate? {
        switch step {
        case .connection, .source:
            return .sourceConnection(
                sandbox: sandbox,
                name: sourceName,
                baseConnectionID: connectionID,
                format: dataFormat,
                schema: specs.sourceParams,
                params: params
            )
        case .target:
            guard let dataset else { return nil }
            return .targetConnection(sandbox: sandbox, name: targetName, dataset: dataset)
        case .flow:
            guard let flowSpec = specs.flowSpec, let sourceID = chain.sourceID, let targetID = chain.targetID else {
                return nil
            }
            return .flow(
                sandbox: sandbox,
                name: flowName,
                flowSpec: flowSpec,
                sourceID: sourceID,
                targetID: targetID,
                mapping: mapping,
                schedule: schedule
            )
        }
    }
}

/// The chain's part of the one row decision: reads a row's chain cells (source params by the
/// connection spec's `sourceSpec`, `dataset_id`, `mapping_set_id`, `source_name`, `target_name`,
/// `flow_name`) and checks them, so that `--dry-run` and `run` report a bad one as `invalid`.
struct ChainRows: Sendable {
    let options: ChainOptions
    let specs: ChainSpecs
    /// The index, among the input's extra columns, of each source param's column.
    let paramColumns: [(path: String, index: Int)]
    let datasetColumn: Int?
    let mappingSetColumn: Int?
    let sourceNameColumn: Int?
    let targetNameColumn: Int?
    let flowNameColumn: Int?
    /// The first row's start, epoch seconds.
    let start: Int64
    let schedule: ChainSchedule

    /// The chain's columns among the input's `extraHeaders`; `now` is the run's start, epoch seconds.
    init(options: ChainOptions, specs: ChainSpecs, extraHeaders: [String], now: Int64) throws(ConfigurationError) {
        self.options = options
        self.specs = specs
        let normalized = extraHeaders.map(Field.normalize)
        func column(_ name: String) -> Int? { normalized.firstIndex(of: Field.normalize(name)) }
        paramColumns = extraHeaders.enumerated().compactMap { index, header in
            specs.sourceParams.param(matchingHeader: header).map { ($0.path, index) }
        }
        datasetColumn = column("dataset_id")
        mappingSetColumn = column("mapping_set_id")
        sourceNameColumn = column("source_name")
        targetNameColumn = column("target_name")
        flowNameColumn = column("flow_name")
        start = options.startTime ?? now
        switch ChainSchedule.parse(options.schedule, startTime: start) {
        case .success(let schedule): self.schedule = schedule
        case .failure(let error): throw ConfigurationError("--schedule \(error)")
        }
    }

    /// Everything run, `--dry-run` and `validate --through` read before any write, in one place: the
    /// connection spec (its auth spec names and its `sourceSpec`), then what the chain `options` need
    /// (`nil` for `--through connection`), through `session`'s client and read retrier.
    static func readSpecs<C: Clock>(
        _ options: ChainOptions,
        input: InputFile,
        limit: Int?,
        sandbox: String,
        oauthOverride: String?,
        extraHeaders: [String],
        session: FlowServiceSession<C>,
        notify: (String) -> Void
    ) async throws -> (authSpecs: ConnectionAuthSpecs, chain: ChainRows?) {
        let authSpecs = try await ConnectionSpecReading.read(
            client: session.client,
            sandbox: sandbox,
            oauthOverride: oauthOverride,
            notify: notify
        )
        let chain = try await read(
            options,
            input: input,
            limit: limit,
            sandbox: sandbox,
            client: session.client,
            sourceParams: authSpecs.sourceParams,
            extraHeaders: extraHeaders,
            retrying: session.retrier(.read),
            notify: notify
        )
        return (authSpecs, chain)
    }

    /// What a run `--through source|flow` reads once, before any write, for the chain `options` over
    /// `input`'s first `limit` rows, and the chain's columns among the input's; `nil` for `--through
    /// connection` (`validate --through` has options and an input, but no run).
    static func read(
        _ options: ChainOptions,
        input: InputFile,
        limit: Int?,
        sandbox: String,
        client: FlowServiceClient,
        sourceParams: SourceParamsSchema?,
        extraHeaders: [String],
        retrying: (any Retrying)?,
        notify: (String) -> Void
    ) async throws -> ChainRows? {
        guard options.goesPastConnection else { return nil }
        let referenced = try referencedIDs(options: options, input: input, limit: limit)
        let specs = try await ChainReading.read(
            client: client,
            sandbox: sandbox,
            through: options.through,
            sourceParams: sourceParams,
            flowSpecID: options.flowSpecID,
            datasetIDs: referenced.datasets,
            mappingSetIDs: referenced.mappingSets,
            origins: referenced.origins,
            retrying: retrying,
            notify: notify
        )
        let rows = try ChainRows(
            options: options,
            specs: specs,
            extraHeaders: extraHeaders,
            now: Int64(JournalClock.now() / 1000)
        )
        let taken = rows.paramColumns.map { "'\(extraHeaders[$0.index])' as \($0.path)" }
        notify(
            "note: the source connections' params come from "
                + (taken.isEmpty ? "no column" : taken.joined(separator: ", "))
                + "; they are carried into the results too"
        )
        let missing = specs.sourceParams.params.filter { param in
            param.required && !rows.paramColumns.contains { $0.path == param.path }
        }
        if !missing.isEmpty {
            notify(
                "warning: no column holds " + missing.map(\.path).joined(separator: ", ")
                    + ", which the connection spec's sourceSpec requires: every row will be invalid (add a column"
                    + " headed '" + missing[0].path + "'; case, spaces, '_' and '-' do not matter)"
            )
        }
        return rows
    }

    /// The IDs the chain's `dataset_id` and `mapping_set_id` columns (or `--dataset`, `--mapping-set`)
    /// name across the input: what the run reads once, before any write.
    static func referencedIDs(
        options: ChainOptions,
        input: InputFile,
        limit: Int?
    ) throws -> (datasets: Set<String>, mappingSets: Set<String>, origins: ChainReading.Origins) {
        var datasets = Set(options.datasetID.map { [$0] } ?? [])
        var mappingSets = Set(options.mappingSetID.map { [$0] } ?? [])
        var origins = ChainReading.Origins()
        if let id = options.datasetID { origins.datasets[id] = "--dataset" }
        if let id = options.mappingSetID { origins.mappingSets[id] = "--mapping-set" }
        guard options.through == .flow else { return ([], [], origins) }
        var cursor = try input.open()
        let normalized = cursor.columns.extraHeaders.map(Field.normalize)
        let datasetColumn = normalized.firstIndex(of: Field.normalize("dataset_id"))
        let mappingColumn = normalized.firstIndex(of: Field.normalize("mapping_set_id"))
        // Every row would be invalid: that is the run's setting, not the rows'.
        if datasetColumn == nil, options.datasetID == nil {
            throw ConfigurationError(
                "--through flow needs the flows' dataset: give --dataset ID, or a dataset_id column in \(input.path)"
            )
        }
        guard datasetColumn != nil || mappingColumn != nil else { return (datasets, mappingSets, origins) }
        var rows = 0
        while rows < (limit ?? .max),
            let read = try cursor.nextRow({ row in (row.row, row.problem == nil ? row.extras() : nil) })
        {
            rows += 1
            guard let extras = read.1 else { continue }
            if let datasetColumn, case let id = Self.trimmed(extras[datasetColumn]), !id.isEmpty,
                datasets.insert(id).inserted
            {
                origins.datasets[id] = "the dataset_id column (row \(read.0))"
            }
            if let mappingColumn, case let id = Self.trimmed(extras[mappingColumn]), !id.isEmpty,
                mappingSets.insert(id).inserted
            {
                origins.mappingSets[id] = "the mapping_set_id column (row \(read.0))"
            }
        }
        return (datasets, mappingSets, origins)
    }

    /// A cell without the spaces around it (chain cells are names and IDs, never secrets).
    private static func trimmed(_ text: String) -> String {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// The chain cells of a row, read and checked: `problems` make the row invalid.
    struct Read: Sendable {
        var params: [String: String] = [:]
        var dataset: DatasetInfo?
        var mapping: MappingSetInfo?
        var names: (source: String?, target: String?, flow: String?) = (nil, nil, nil)
        var problems: [RowProblem] = []
    }

    func read(_ extras: [String]) -> Read {
        var read = Read()
        func cell(_ index: Int?) -> String? {
            guard let index, index < extras.count else { return nil }
            let value = Self.trimmed(extras[index])
            return value.isEmpty ? nil : value
        }
        for (path, index) in paramColumns where index < extras.count {
            read.params[path] = Self.trimmed(extras[index])
        }
        for problem in specs.sourceParams.problems(read.params) {
            read.problems.append(RowProblem(field: "source params", code: .invalidSourceParam, message: problem))
        }
        read.names = (cell(sourceNameColumn), cell(targetNameColumn), cell(flowNameColumn))
        guard options.through == .flow else { return read }
        if let id = cell(datasetColumn) ?? options.datasetID {
            if let dataset = specs.datasets[id] {
                read.dataset = dataset
            } else {
                read.problems.append(
                    RowProblem(field: "dataset_id", code: .missingField, message: "the dataset \(id) was not found")
                )
            }
        } else {
            read.problems.append(
                RowProblem(
                    field: "dataset_id",
                    code: .missingField,
                    message: "no dataset for the flow: give --dataset ID or a dataset_id column"
                )
            )
        }
        if let id = cell(mappingSetColumn) ?? options.mappingSetID {
            if let mapping = specs.mappingSets[id] {
                read.mapping = mapping
            } else {
                read.problems.append(
                    RowProblem(
                        field: "mapping_set_id",
                        code: .missingField,
                        message: "the mapping set \(id) was not found"
                    )
                )
            }
        }
        return read
    }

    /// The plan of a valid row named `name`, its `sequence` among the data rows.
    func plan(_ read: Read, name: String, sequence: Int, known: [ChainStep: ResumeState.Step]) -> ChainPlan {
        var schedule = schedule
        schedule.startTime = start + Int64(sequence) * Int64(options.stagger.components.seconds)
        return ChainPlan(
            steps: options.steps,
            sourceName: read.names.source ?? "\(name) source",
            targetName: read.names.target ?? "\(name) target",
            flowName: read.names.flow ?? name,
            params: read.params,
            dataset: read.dataset,
            mapping: read.mapping,
            schedule: schedule,
            dataFormat: options.dataFormat,
            known: known
        )
    }
}
