import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Logging
import Testing

@testable import FlowBatch
@testable import FlowBatchEngine
@testable import FlowBatchModel
@testable import FlowServiceAPI

/// The chain's reads (flow spec, dataset, mapping set, runs, explore) through the real client
/// against the in-process mock, and ``ChainReading``'s verdicts on what they found.
@Suite("reading what the dataflow chain is built from", .timeLimit(.minutes(2)))
struct ChainReadingTests {
    static func withClient(
        _ configure: (inout MockConfiguration) -> Void = { _ in },
        _ body: (RunningMock, FlowServiceSession<ContinuousClock>) async throws -> Void
    ) async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        configuration.staticToken = "in-process-token"
        configure(&configuration)
        try await FlowServiceMock.withRunning(configuration, logger: InProcessRunTests.logger) { mock in
            try await FlowServiceSession.with(
                .init(platform: InProcessRunTests.settings(mock)),
                clock: ContinuousClock(),
                stop: StopSignal(),
                logger: InProcessRunTests.logger
            ) { try await body(mock, $0) }
        }
    }

    static func read(
        _ client: FlowServiceClient,
        through: ChainStep = .flow,
        sourceParams: SourceParamsSchema?,
        flowSpecID: String? = nil,
        datasets: Set<String> = [MockDataset.demo.id],
        mappingSets: Set<String> = [],
        origins: ChainReading.Origins = .init()
    ) async throws -> ChainSpecs {
        try await ChainReading.read(
            client: client,
            sandbox: "prod",
            through: through,
            sourceParams: sourceParams,
            flowSpecID: flowSpecID,
            datasetIDs: datasets,
            mappingSetIDs: mappingSets,
            origins: origins,
            notify: { _ in }
        )
    }

    @Test("the client reads the flow spec by name and ID, datasets and mapping sets; unknown IDs are nil")
    func clientReads() async throws {
        try await Self.withClient { _, session in
            let client = session.client
            let byName = try #require(try await client.flowSpec(named: "RestStorageToAEP", sandbox: "prod"))
            #expect(byName.id == "6499120c-0b15-42dc-936e-847ea3c24d72")
            #expect(byName.sourceConnectionSpecIDs == [GenericRESTSpec.connectionSpecID])
            #expect(byName.targetConnectionSpecIDs == [ChainSpecs.dataLakeSpecID])
            #expect(try await client.flowSpec(id: byName.id, sandbox: "prod") == byName)
            #expect(try await client.flowSpec(named: "CRMToAEP", sandbox: "prod") == nil)
            #expect(try await client.flowSpec(id: "14518937-0000-0000-0000-000000000000", sandbox: "prod") == nil)
            let dataset = try #require(try await client.dataset(id: MockDataset.demo.id, sandbox: "prod"))
            #expect(dataset.name == MockDataset.demo.name && dataset.schemaID == MockDataset.demo.schemaID)
            #expect(dataset.schemaVersion == ChainSpecs.xdmSchemaVersion)
            #expect(try await client.dataset(id: "nosuchdataset", sandbox: "prod") == nil)
            let mapping = try #require(try await client.mappingSet(id: MockMappingSet.demo.id, sandbox: "prod"))
            #expect(mapping == MappingSetInfo(id: MockMappingSet.demo.id, version: 0))
            #expect(try await client.mappingSet(id: "nosuchmapping", sandbox: "prod") == nil)
            let spec = try #require(try await client.connectionSpec(sandbox: "prod"))
            #expect(spec.sourceParams?.params.map(\.path) == ["contentType", "urlParams.method", "urlParams.path"])
        }
    }

    @Test("the gateway root is the endpoint without /flowservice, or its host's /data/foundation")
    func platformRoot() {
        func root(_ endpoint: String) -> String { FlowServiceClient.platformRoot(endpoint: endpoint) }
        #expect(
            root("https://platform.adobe.io/data/foundation/flowservice") == "https://platform.adobe.io/data/foundation"
        )
        #expect(
            root("https://platform.adobe.io/data/foundation/flowservice/")
                == "https://platform.adobe.io/data/foundation"
        )
        #expect(root("http://127.0.0.1:8080/proxy/flow") == "http://127.0.0.1:8080/data/foundation")
    }

    @Test("explore previews a source; a source that answers errors or params the spec refuses are refused")
    func explore() async throws {
        try await Self.withClient { mock, session in
            let client = session.client
            let good = mock.insertConnection(name: "good", host: "https://api.example.com")
            let bad = mock.insertConnection(name: "bad", host: "https://api.example.invalid")
            let params = Array(#"{"urlParams":{"path":"/v1/a+b","method":"GET"}}"#.utf8)
            let preview = try await client.explore(connectionID: good.id, sourceParams: params, sandbox: "prod")
            #expect(preview.records == 2)
            await #expect(throws: RunError.self) {
                _ = try await client.explore(connectionID: bad.id, sourceParams: params, sandbox: "prod")
            }
            do {
                _ = try await client.explore(connectionID: good.id, sourceParams: Array("{}".utf8), sandbox: "prod")
                Issue.record("params without urlParams were previewed")
            } catch let error as RunError {
                #expect(error.httpStatus == 400 && error.message.contains("urlParams"))
            }
        }
    }

    @Test("a flow's latest run is the one created last; a flow with no run yet has none")
    func latestRun() async throws {
        let clock = ManualMockClock()
        try await Self.withClient({ $0.clock = clock }) { mock, session in
            let client = session.client
            let base = mock.insertConnection(name: "a", host: "https://api.example.com")
            let start = Int64(mock.now.timeIntervalSince1970) + 60
            let flow = try await ChainScene.flow(client, mock: mock, baseConnectionID: base.id, startTime: start)
            #expect(try await client.latestRun(flowID: flow, sandbox: "prod") == nil)
            clock.advance(by: .seconds(60 + 3 * 900))
            let run = try #require(try await client.latestRun(flowID: flow, sandbox: "prod"))
            #expect(run.status == "success")
            #expect(run.id == mock.runs(flowID: flow).last?.id)
            #expect(mock.runs(flowID: flow).count == 4)
        }
    }

    @Test("everything found: the chain's specs, read once")
    func readsTheChain() async throws {
        try await Self.withClient { _, session in
            let client = session.client
            let params = try #require(try await client.connectionSpec(sandbox: "prod")?.sourceParams)
            let specs = try await Self.read(client, sourceParams: params, mappingSets: [MockMappingSet.demo.id])
            #expect(specs.flowSpec?.name == "RestStorageToAEP")
            #expect(specs.datasets[MockDataset.demo.id]?.schemaID == MockDataset.demo.schemaID)
            #expect(specs.mappingSets[MockMappingSet.demo.id]?.version == 0)
            #expect(specs.sourceParams == params)
            let source = try await Self.read(client, through: .source, sourceParams: params, datasets: [])
            #expect(source.flowSpec == nil && source.datasets.isEmpty)
        }
    }

    @Test("what is missing or wrong is a configuration error naming the ID, what is wrong and where it came from")
    func refusals() async throws {
        try await Self.withClient { _, session in
            let client = session.client
            let params = try #require(try await client.connectionSpec(sandbox: "prod")?.sourceParams)
            func message(_ body: () async throws -> ChainSpecs) async -> String {
                do {
                    _ = try await body()
                    return "no error"
                } catch let error as ConfigurationError {
                    return error.description
                } catch {
                    return "not a configuration error: \(error)"
                }
            }
            let dataset = await message {
                try await Self.read(
                    client,
                    sourceParams: params,
                    datasets: ["nosuch1", "nosuch2", MockDataset.demo.id],
                    origins: .init(datasets: ["nosuch1": "--dataset"])
                )
            }
            #expect(dataset.contains("dataset nosuch1 (from --dataset) does not exist in Catalog"))
            #expect(dataset.contains("dataset nosuch2 (from --dataset or a dataset_id column) does not exist"))
            let mapping = await message {
                try await Self.read(client, sourceParams: params, mappingSets: ["nomap"])
            }
            #expect(
                mapping.contains("mapping set nomap (from --mapping-set or a mapping_set_id column) does not exist")
            )
            let flowSpec = await message {
                try await Self.read(client, sourceParams: params, flowSpecID: "14518937-0000-0000-0000-000000000000")
            }
            #expect(
                flowSpec.contains("flow spec 14518937-0000-0000-0000-000000000000 (from --flow-spec) does not exist")
            )
            let noParams = await message { try await Self.read(client, sourceParams: nil) }
            #expect(noParams.contains("lists no source params"))
            #expect(noParams.contains("--through connection"))
        }
    }

    @Test("a flow spec that does not join generic REST to the Data Lake is refused, naming what it joins")
    func wrongFlowSpec() {
        let crm = FlowSpecInfo(
            id: "14518937-x",
            name: "CRMToAEP",
            sourceConnectionSpecIDs: ["other-spec"],
            targetConnectionSpecIDs: [ChainSpecs.dataLakeSpecID]
        )
        let problem = ChainReading.joinProblem(crm, origin: "from --flow-spec", fromOption: true)
        #expect(
            problem
                == "flow spec 'CRMToAEP' 14518937-x (from --flow-spec) does not join generic REST"
                + " (4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62) to the Data Lake (c604ff05-7f1a-43c0-8e18-33bf874cb11c):"
                + " its source specs are other-spec, its target specs c604ff05-7f1a-43c0-8e18-33bf874cb11c; give the"
                + " ID of one that does with --flow-spec, or leave --flow-spec out to use RestStorageToAEP"
        )
        var rest = crm
        rest.sourceConnectionSpecIDs = [GenericRESTSpec.connectionSpecID.uppercased()]
        #expect(ChainReading.joinProblem(rest, origin: "x", fromOption: false) == nil)
        rest.targetConnectionSpecIDs = []
        #expect(ChainReading.joinProblem(rest, origin: "x", fromOption: false)?.contains("target specs none") == true)
    }

    @Test("a refused token stops with the run error, not a configuration error about an ID")
    func refusedToken() async throws {
        try await Self.withClient { mock, _ in
            var settings = InProcessRunTests.settings(mock)
            settings.authentication = .accessToken(Secret("not-the-token"))
            _ = try await FlowServiceSession.with(
                .init(platform: settings),
                clock: ContinuousClock(),
                stop: StopSignal(),
                logger: InProcessRunTests.logger
            ) { session in
                await #expect(throws: RunError.self) {
                    _ = try await Self.read(
                        session.client,
                        sourceParams: SourceParamsSchema(params: [
                            SourceParam(path: "urlParams.path", type: .string, required: true)
                        ])
                    )
                }
            }
        }
    }
}

/// Creates a source connection, target connection and flow on the mock as another client would.
enum ChainScene {
    static func post(_ client: FlowServiceClient, path: String, name: String, _ json: String) async throws -> String {
        let kind = ResourceKind(name: path, path: path, noun: path)
        let created = try await client.create(
            ResourceCreate(
                kind: kind,
                sandbox: "prod",
                name: name,
                body: Array(json.utf8),
                secrets: [],
                lookUpFilters: []
            )
        )
        return created.id
    }

    /// The flow's ID, for a chain on `baseConnectionID` into the demo dataset, starting at `startTime`.
    static func flow(
        _ client: FlowServiceClient,
        mock: RunningMock,
        baseConnectionID: String,
        startTime: Int64,
        path: String = "/v1/records"
    ) async throws -> String {
        let source = try await post(
            client,
            path: "/sourceConnections",
            name: "s",
            """
            {"name": "s", "baseConnectionId": "\(baseConnectionID)",
             "connectionSpec": {"id": "\(GenericRESTSpec.connectionSpecID)", "version": "1.0"},
             "data": {"format": "json"}, "params": {"urlParams": {"path": "\(path)", "method": "GET"}}}
            """
        )
        let target = try await post(
            client,
            path: "/targetConnections",
            name: "t",
            """
            {"name": "t", "connectionSpec": {"id": "\(ChainSpecs.dataLakeSpecID)", "version": "1.0"},
             "data": {"format": "parquet_xdm", "schema": {"id": "\(MockDataset.demo.schemaID)",
               "version": "\(ChainSpecs.xdmSchemaVersion)"}},
             "params": {"dataSetId": "\(MockDataset.demo.id)"}}
            """
        )
        return try await post(
            client,
            path: "/flows",
            name: "f",
            """
            {"name": "f", "flowSpec": {"id": "6499120c-0b15-42dc-936e-847ea3c24d72", "version": "1.0"},
             "sourceConnectionIds": ["\(source)"], "targetConnectionIds": ["\(target)"],
             "scheduleParams": {"startTime": \(startTime), "frequency": "minute", "interval": 15}}
            """
        )
    }
}
