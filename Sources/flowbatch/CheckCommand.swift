import ArgumentParser
import FlowBatch
import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowServiceAPI
import Foundation

/// `flowbatch check`: a preflight without a CSV.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check the credentials, the connection spec and the sandboxes before a run; send nothing that writes.",
        discussion: """
            Gets a token (saying where each setting came from), reads the generic REST connection spec and prints \
            the auth spec names the service lists, and checks that each sandbox exists and can be listed: those \
            given with --sandbox (repeatable), else those of --input's sandbox column, else the default sandbox.

            With --through source or flow, also reads what a run would build the dataflow chain from, before \
            any write: the source params the connection spec lists (one column each), the flow spec (by --flow-spec, \
            else the one named RestStorageToAEP; it must join generic REST to the Data Lake), each --dataset (it \
            must exist and have a schema) and each --mapping-set, in the first sandbox checked.

            Exit status: 0 everything can be used; 64 the credentials or settings are wrong, or something the chain \
            needs is missing or unfit; 2 the service refuses a sandbox or the connection spec.
            """
    )

    @OptionGroup var platform: PlatformOptions

    @Option(
        help:
            "An input CSV whose sandboxes to check (its sandbox column, and the default sandbox); - for standard input.",
        completion: .file()
    )
    var input: String?

    @Option(help: "The OAuth auth spec name a run would send instead of the one the service lists.")
    var oauthSpecName: String?

    @Option(
        help: ArgumentHelp(
            "How far down the chain a run would go: connection, source or flow; source and flow also check what the chain is built from.",
            valueName: "step"
        )
    )
    var through = ChainStep.connection.rawValue

    @Option(help: "A Catalog dataset ID a run --through flow would write into (repeatable).")
    var dataset: [String] = []

    @Option(help: "A Data Prep mapping set ID a run --through flow would map with (repeatable).")
    var mappingSet: [String] = []

    @Option(help: "The ID of the flow spec a run --through flow would use instead of the one named RestStorageToAEP.")
    var flowSpec: String?

    @OptionGroup var timeoutOptions: TimeoutOptions

    @OptionGroup var logging: LoggingOptions

    /// `--through` as a step; `target` is no step a run stops at.
    var step: ChainStep? {
        ChainStep(rawValue: through.lowercased()).flatMap { $0 == .target ? nil : $0 }
    }

    func validate() throws {
        guard let step else {
            throw ValidationError("--through must be connection, source or flow (got '\(through)')")
        }
        if step != .flow {
            for (option, given) in [("--dataset", !dataset.isEmpty), ("--mapping-set", !mappingSet.isEmpty)]
            where given {
                throw ValidationError("\(option) is for a flow: add --through flow")
            }
            if flowSpec != nil { throw ValidationError("--flow-spec is for a flow: add --through flow") }
        }
        for (option, ids) in [("--dataset", dataset), ("--mapping-set", mappingSet)]
        where ids.contains(where: \.isEmpty) {
            throw ValidationError("\(option) needs an ID")
        }
        if flowSpec?.isEmpty == true { throw ValidationError("--flow-spec needs an ID") }
    }

    func run() async throws {
        let logger = logging.makeLogger()
        let (resolved, settings) = try platform.resolveCredentials()
        let sandboxes: [String]
        if !platform.sandbox.isEmpty {
            sandboxes = platform.sandbox
        } else if let input {
            do {
                var file = InputFile(path: input == "-" ? "standard input" : input)
                if input == "-" { file.contents = Array(FileHandle.standardInput.readDataToEndOfFile()) }
                var header = try file.open()
                let validator = RowValidator(defaultSandbox: resolved.defaultSandbox, today: nil)
                sandboxes = try InputScan.run(&header, validator: validator, limit: nil).sandboxes
            } catch {
                throw Failure.from(error)
            }
        } else {
            sandboxes = [resolved.defaultSandbox]
        }
        let session = FlowServiceSession<ContinuousClock>.Configuration(
            platform: settings,
            network: try platform.resolveNetwork(for: settings),
            timeout: timeoutOptions.duration
        )
        let oauthSpecName = self.oauthSpecName
        let (through, datasets, mappingSets, flowSpec) = (step ?? .connection, dataset, mappingSet, flowSpec)
        // Under the lifecycle as every other command: Ctrl-C ends the checks.
        let stop = StopSignal()
        let status = try await Lifecycle.run(stop: stop, progress: nil, logger: logger) { [session] in
            try await FlowServiceSession.with(session, clock: ContinuousClock(), stop: stop, logger: logger) {
                await Preflight(
                    client: $0.client,
                    sandboxes: sandboxes,
                    oauthOverride: oauthSpecName,
                    through: through,
                    datasetIDs: datasets,
                    mappingSetIDs: mappingSets,
                    flowSpecID: flowSpec
                )
                .run { Console.out($0) }
            }
        }
        Console.flush()
        if status != 0 { throw ExitCode(status) }
    }
}
