import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI
import Logging

/// `flowbatch check`: a preflight without a CSV. Gets a token, reads the connection spec and the auth
/// spec names it lists, and checks that each sandbox exists and can be listed, printing one line
/// per step. With `--through source` or `flow` it also reads what the dataflow chain is built from
/// (``ChainReading``) and prints the source params, the flow spec, each dataset and mapping set.
///
/// Its exit status follows the command-line contract: 0 when everything can be used, 64 when the
/// credentials or settings are the problem (IMS refuses them, the gateway refuses the key or org),
/// 2 when the service refuses what was asked (a sandbox missing or without permission, the spec).
public struct Preflight: Sendable {
    public let client: FlowServiceClient
    public let sandboxes: [String]
    /// `--oauth-spec-name`, when given.
    public let oauthOverride: String?
    /// `--through`: how far down the chain a run would go (`connection` checks no chain).
    public let through: ChainStep
    /// `--dataset` and `--mapping-set`, in the order given.
    public let datasetIDs: [String]
    public let mappingSetIDs: [String]
    /// `--flow-spec`, when given.
    public let flowSpecID: String?

    public init(
        client: FlowServiceClient,
        sandboxes: [String],
        oauthOverride: String?,
        through: ChainStep = .connection,
        datasetIDs: [String] = [],
        mappingSetIDs: [String] = [],
        flowSpecID: String? = nil
    ) {
        self.client = client
        self.sandboxes = sandboxes
        self.oauthOverride = oauthOverride
        self.through = through
        self.datasetIDs = datasetIDs
        self.mappingSetIDs = mappingSetIDs
        self.flowSpecID = flowSpecID
    }

    /// Runs the checks, printing with `print`; returns the exit status.
    public func run(print: (String) -> Void) async -> Int32 {
        let settings = client.settings
        let sources = settings.sources
        print("endpoint: \(settings.endpoint) (from \(sources.endpoint))")
        print("org: \(settings.orgID) (from \(sources.orgID))")
        print("API key: \(settings.apiKey) (from \(sources.apiKey))")
        switch settings.authentication {
        case .accessToken:
            print("token: a ready access token (from AEP_ACCESS_TOKEN); it cannot be renewed")
        case .clientCredentials(let clientID, _, let scopes):
            print(
                "client: \(clientID) (from \(sources.clientID)), secret from \(sources.clientSecret), scopes \(scopes) (from \(sources.scopes))"
            )
            print("IMS: \(settings.imsURL) (from \(sources.imsURL))")
        }
        do {
            try await client.startToken()
        } catch let error as ConfigurationError {
            print("token: FAILED: \(error)")
            return 64
        } catch let error as RunError {
            print("token: FAILED: \(error)")
            return Self.status(of: error)
        } catch {
            print("token: FAILED: \(error)")
            return 64
        }
        print("token: OK")
        var status: Int32 = 0
        let specs: ConnectionAuthSpecs
        do {
            var warnings: [String] = []
            specs = try await ConnectionSpecReading.read(
                client: client,
                sandbox: sandboxes.first ?? "prod",
                oauthOverride: oauthOverride,
                notify: { warnings.append($0) }
            )
            for warning in warnings { print("connection spec: \(warning)") }
            print(
                "connection spec \(GenericRESTSpec.connectionSpecID): \(specs.fromService ? "the service lists" : "built-in") auth specs "
                    + specs.listed.map { "'\($0)'" }.joined(separator: ", ")
                    + "; rows are sent as '\(specs.basicName)' (basic) and '\(specs.oauthName)' (oauth2)"
            )
        } catch {
            print("connection spec: FAILED: \(error)")
            return Self.status(of: error)
        }
        if through > .connection, let failed = await checkChain(sourceParams: specs.sourceParams, print: print) {
            return failed
        }
        for sandbox in sandboxes {
            do {
                let count = try await client.countGenericRESTConnections(sandbox: sandbox)
                print(
                    "sandbox \(sandbox): exists and can be listed; \(count) generic REST connection\(count == 1 ? "" : "s")"
                )
            } catch {
                let disposition: AnswerClassifier.Disposition
                do {
                    disposition = try AnswerClassifier.classify(error, sandbox: sandbox)
                } catch {
                    print("sandbox \(sandbox): FAILED: \(error)")
                    return Self.status(of: error)
                }
                switch disposition {
                case .runError(let stopping) where error.isRefusal:
                    print("sandbox \(sandbox): FAILED: \(stopping)")
                    return Self.status(of: stopping)
                case .sandboxError(let refused):
                    print("sandbox \(sandbox): FAILED: \(refused.message) [\(refused.resultCode)]")
                default:
                    print("sandbox \(sandbox): FAILED: \(error.message)\(error.serviceCode.map { " [\($0)]" } ?? "")")
                }
                status = 2
            }
        }
        print(status == 0 ? "check passed" : "check failed")
        return status
    }

    /// Reads and prints what the chain is built from; the exit status when something is missing or
    /// wrong (64, the same message a run would stop with), `nil` when all is there.
    private func checkChain(sourceParams: SourceParamsSchema?, print: (String) -> Void) async -> Int32? {
        let sandbox = sandboxes.first ?? "prod"
        let chain: ChainSpecs
        do {
            var origins = ChainReading.Origins()
            for id in datasetIDs { origins.datasets[id] = "--dataset" }
            for id in mappingSetIDs { origins.mappingSets[id] = "--mapping-set" }
            var notes: [String] = []
            chain = try await ChainReading.read(
                client: client,
                sandbox: sandbox,
                through: through,
                sourceParams: sourceParams,
                flowSpecID: flowSpecID,
                datasetIDs: Set(datasetIDs),
                mappingSetIDs: Set(mappingSetIDs),
                origins: origins,
                notify: { notes.append($0) }
            )
            for note in notes { print("chain: \(note)") }
        } catch let error as RunError {
            print("chain: FAILED: \(error)")
            return Self.status(of: error)
        } catch {
            print("chain: FAILED: \(error)")
            return ExitStatus.configuration.rawValue
        }
        print("source params (the connection spec's sourceSpec, one column each):")
        for param in chain.sourceParams.params {
            print("  \(Self.describe(param))")
        }
        if let flowSpec = chain.flowSpec {
            print(
                "flow spec '\(flowSpec.name)' \(flowSpec.id) (\(flowSpecID == nil ? "found by name" : "from --flow-spec")):"
                    + " joins generic REST (\(GenericRESTSpec.connectionSpecID)) to the Data Lake"
                    + " (\(ChainSpecs.dataLakeSpecID))"
            )
        }
        for id in datasetIDs {
            guard let dataset = chain.datasets[id] else { continue }
            print(
                "dataset \(id)\(dataset.name.map { " '\($0)'" } ?? "") (sandbox \(sandbox)): schema \(dataset.schemaID)"
                    + (dataset.schemaVersion.map { " (\($0))" } ?? "")
            )
        }
        if through == .flow, datasetIDs.isEmpty {
            print("datasets: none given; a run --through flow needs --dataset ID or a dataset_id column")
        }
        for id in mappingSetIDs {
            guard let mappingSet = chain.mappingSets[id] else { continue }
            print("mapping set \(id): version \(mappingSet.version)")
        }
        return nil
    }

    /// One source param as `check` lists it: `urlParams.method: string, one of GET, POST, required`.
    static func describe(_ param: SourceParam) -> String {
        var parts = [param.type.rawValue]
        if let values = param.enumValues { parts.append("one of " + values.joined(separator: ", ")) }
        if param.required {
            parts.append("required")
        } else if param.requiredAtEachLevel.last == true {
            let object = param.path.split(separator: ".").dropLast().joined(separator: ".")
            parts.append("required once \(object) is given")
        } else {
            parts.append("optional")
        }
        return "\(param.path): " + parts.joined(separator: ", ")
            + (param.description.map { " — \($0)" } ?? "")
    }

    /// Credentials and settings (64) against what the service refuses (2); an IMS that issues no
    /// token is the settings' here too (`check` is run to find out whether they work).
    static func status(of error: RunError) -> Int32 {
        (error.code == .tokenService ? .configuration : ExitStatus.beforeWriting(error)).rawValue
    }
}
