import ArgumentParser
import FlowBatch
import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import FlowServiceMock
import Foundation
import Logging

/// `flowbatch demo`: the whole product at work against a local mock of Adobe's service.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bundled sample against a local mock of the Flow Service, with realistic faults.",
        discussion: """
            Starts the mock on a free loopback port with mild faults (throttling with Retry-After, some 500 and \
            503 answers, a few requests that create the connection and then lose the answer), runs the \
            40-row sample through the real client, and writes the results to a new folder in the current \
            directory. Each row goes the whole onboarding chain by default (--through flow): base connection, \
            source connection, target connection and dataflow, each created exactly once. Nothing leaves this machine.
            """
    )

    @OptionGroup var concurrencyOptions: ConcurrencyOptions

    @Option(
        help: ArgumentHelp(
            "How far down the onboarding chain each sample row goes: 'flow' (the default: base connection, source connection, target connection and dataflow), 'source' or 'connection'.",
            valueName: "step"
        )
    )
    var through: ThroughOption = .flow

    @Option(help: "Seed of the mock's fault choices.")
    var seed: UInt64 = 13

    @OptionGroup var progressOptions: ProgressOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        var mockConfiguration = MockConfiguration()
        mockConfiguration.port = 0
        mockConfiguration.faults.latency = .milliseconds(20)
        mockConfiguration.faults.latencyJitter = .milliseconds(30)
        mockConfiguration.faults.throttleRPS = 30
        mockConfiguration.faults.errorRate = 0.1
        mockConfiguration.faults.ambiguousRate = 0.08
        mockConfiguration.faults.seed = seed
        var quiet = Logger(label: "flowbatch.mock") { label in StreamLogHandler.standardError(label: label) }
        quiet.logLevel = .error
        // The mock is the first service of the demo's lifecycle: it stops after the run, also on Ctrl-C.
        let (listening, mockStarted) = AsyncStream.makeStream(of: RunningMock.self)
        let mockService = MockService(configuration: mockConfiguration, logger: quiet) { mock in
            mockStarted.yield(mock)
            mockStarted.finish()
        }
        let logger = logging.makeLogger()
        let folder = Self.folderName()
        let resultsPath = folder + "/mixed.results.csv"
        let stop = StopSignal()
        let statistics = RunStatistics()
        let (mock, summary) = try await progressOptions.progress.running(
            statistics,
            stop: stop,
            services: [mockService],
            logger: logger
        ) {
            [concurrency = concurrencyOptions.concurrency, mockConfiguration, through] () async throws -> (
                RunningMock, RunSummary
            ) in
            guard let mock = await listening.first(where: { _ in true }) else { throw CancellationError() }
            let configuration = try Self.prepare(
                folder: folder,
                resultsPath: resultsPath,
                mock: mock,
                mockConfiguration: mockConfiguration,
                concurrency: concurrency,
                through: through.step
            )
            let run = BatchRun(
                configuration: configuration,
                clock: ContinuousClock(),
                stop: stop,
                statistics: statistics,
                logger: logger,
                notify: { line in if !line.hasPrefix("note: not sent") { Console.err(line) } }
            )
            return (mock, try await run.run())
        }
        var shown = summary
        shown.showsRerunAdvice = false
        Console.out(shown.text)
        let stats = mock.stats()
        Console.out("")
        for route in ["/connections", "/sourceConnections", "/targetConnections", "/flows"] {
            guard let answered = stats.requests["POST \(route)"] else { continue }
            let answers = answered.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            Console.out("The mock answered POST \(route) with: \(answers).")
        }
        Console.out(
            "It now holds \(stats.connections) connections"
                + (through == .connection
                    ? ""
                    : ", \(mock.sourceConnections(sandbox: nil).count) source connections"
                        + (through == .flow
                            ? ", \(mock.targetConnections(sandbox: nil).count) target connections and \(mock.flows(sandbox: nil).count) flows"
                            : ""))
                + " and \(stats.duplicateNames.isEmpty ? "no duplicate names" : "duplicate names: \(stats.duplicateNames.joined(separator: ", "))")."
        )
        Console.out("")
        // `column -s, -t` splits quoted cells that hold commas; Miller reads CSV properly.
        Console.out(
            "Look at the results:   mlr --icsv --opprint cat \(resultsPath) | less -S   (apt install miller)"
        )
        Console.out("Against Adobe's real service: export AEP_CLIENT_ID, AEP_CLIENT_SECRET and AEP_ORG_ID, then")
        Console.out(
            "  flowbatch run your-sources.csv" + (through == .flow ? " --through flow --dataset YOUR_DATASET_ID" : "")
        )
        Console.flush()
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// Writes the sample into a new `folder`, says what the demo does, and returns the run's configuration.
    private static func prepare(
        folder: String,
        resultsPath: String,
        mock: RunningMock,
        mockConfiguration: MockConfiguration,
        concurrency: Int,
        through: ChainStep
    ) throws -> RunConfiguration {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let inputPath = folder + "/" + DemoInput.fileName
        try Data(DemoInput.bytes).write(to: URL(fileURLWithPath: inputPath))
        Console.out(
            "flowbatch demo: a mock Flow Service is listening on \(mock.baseURL) (nothing leaves this machine)."
        )
        Console.out(
            "It throttles above \(mockConfiguration.faults.throttleRPS ?? 0) requests/s, fails 10% of creates with 500/503,"
                + " and for 8% creates the connection but loses the answer (504 or a dropped connection)."
        )
        let chain =
            switch through {
            case .connection: "the 40 connections"
            case .source: "the 40 connections and their source connections"
            case .target, .flow: "the 40 connections, source connections, target connections and dataflows"
            }
        Console.out("Creating \(chain) of \(inputPath) with up to \(concurrency) requests in flight...")
        Console.out("")
        Console.flush()

        var configuration = RunConfiguration(
            input: InputFile(path: inputPath),
            resultsPath: resultsPath,
            platform: PlatformSettings(
                endpoint: mock.flowServiceURL,
                imsURL: mock.baseURL,
                orgID: mockConfiguration.orgID,
                apiKey: mockConfiguration.clientID,
                authentication: .clientCredentials(
                    clientID: mockConfiguration.clientID,
                    clientSecret: Secret(mockConfiguration.clientSecret),
                    scopes: GenericRESTSpec.defaultScopes
                )
            )
        )
        configuration.concurrency = concurrency
        configuration.today = Today.text()
        configuration.journalKeyPath = folder + "/.journal.key"
        configuration.chain.through = through
        configuration.input.sourceParamsFollow = configuration.chain.goesPastConnection
        if through == .flow {
            configuration.chain.datasetID = mockConfiguration.datasets.first?.id
            configuration.chain.mappingSetID = mockConfiguration.mappingSets.first?.id
        }
        return configuration
    }

    /// `flowbatch-demo-YYYYMMDD-HHMMSS`, with a suffix when that exists already.
    static func folderName() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let base =
            "flowbatch-demo-\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
        var name = base
        var suffix = 2
        while FileManager.default.fileExists(atPath: name) {
            name = "\(base)-\(suffix)"
            suffix += 1
        }
        return name
    }
}
