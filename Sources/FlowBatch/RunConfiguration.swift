import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI

/// Everything a run needs to know, resolved from flags, environment and config file.
public struct RunConfiguration: Sendable {
    /// What to do with a row whose name a connection in the sandbox already has.
    public enum IfExists: String, Sendable, CaseIterable {
        /// Record it as `exists` with the found ID, and create nothing.
        case skip
        /// Create another connection with the same name.
        case create
        /// Make the existing connection match the row (`PATCH`): `updated`, or `unchanged` when the
        /// journal shows it already does.
        case update
    }

    /// The input file.
    public var input: InputFile
    /// The results file (`<input>.results.csv` by default).
    public var resultsPath: String
    /// The journal beside it.
    public var journalPath: String { resultsPath + ".journal" }
    /// `--summary-json`: where the summary goes as JSON (`-` for standard output); checked with the
    /// other outputs before anything is sent, written by the caller.
    public var summaryJSONPath: String?
    /// Requests in flight at most (default 8).
    public var concurrency = 8
    /// Requests per second at most, all kinds together; `nil` for no limit.
    public var rate: Double?
    /// Tries and backoff.
    public var retry = RetryPolicy()
    /// The run-wide retry allowance.
    public var retryBudgetCapacity: Double = 100
    /// Per request (default 30 s).
    public var timeout: Duration = .seconds(30)
    /// How long the run waits for a service that answers nothing before it stops (`--outage-limit`).
    public var outageLimit: Duration = .seconds(600)
    /// Where and as whom to talk to Platform.
    public var platform: PlatformSettings
    /// Proxies and trusted certificate authorities (default: direct, the system trust store).
    public var network = NetworkSettings()
    /// The sandbox of rows with an empty `sandbox` cell.
    public var defaultSandbox = "prod"
    public var ifExists = IfExists.skip
    /// Move an earlier journal aside and start over.
    public var restart = false
    /// Process only the first N data rows.
    public var limit: Int?
    /// `--oauth-spec-name`: the OAuth auth spec name to send instead of the one the service's
    /// connection spec lists; `nil` to use the service's.
    public var oauthSpecName: String?
    /// Today (`YYYY-MM-DD`) for expiry warnings.
    public var today: String?
    /// Whether journal appends are synced to disk; off only to measure what durability costs.
    public var journalSynchronous = true
    /// `--through` and the chain's options: how far down the onboarding chain each row goes.
    public var chain = ChainOptions()
    /// The key file for secret fingerprints; `nil` for the user's default.
    public var journalKeyPath: String? = JournalKey.defaultPath

    public init(input: InputFile, resultsPath: String, platform: PlatformSettings) {
        self.input = input
        self.resultsPath = resultsPath
        self.platform = platform
    }

    /// Every output of the run, resolved and checked against the input and one another before
    /// anything is read or sent (``OutputPaths``): the results file (links followed; a device is
    /// refused, since the journal is kept beside it), the journal and `--summary-json`.
    public func checkOutputs() throws(ConfigurationError) -> OutputTarget {
        let results = try OutputTarget.resolve(resultsPath, role: "--out", special: false)
        var outputs = [
            OutputPaths.Output(results, replacesOnlyOwnFiles: true),
            OutputPaths.Output(
                try OutputTarget.resolve(journalPath, role: "the journal beside --out", special: false),
                isJournal: true,
                checksContents: !restart
            ),
        ]
        if let summaryJSONPath {
            outputs.append(
                .init(try OutputTarget.resolve(summaryJSONPath, role: "--summary-json", standardOutput: true))
            )
        }
        try OutputPaths.check(outputs, input: input.path)
        return results
    }

    /// The manifest this configuration writes at the top of its journal.
    public var manifest: JournalManifest {
        JournalManifest(
            input: AbsolutePath.of(input.path),
            endpoint: platform.endpoint,
            org: platform.orgID,
            defaultSandbox: defaultSandbox,
            ifExists: ifExists.rawValue,
            oauthSpecName: oauthSpecName ?? GenericRESTSpec.defaultOAuthSpecName
        )
    }
}

extension RunConfiguration {
    /// The session of the run's requests (and of the dry run's look-ups, which keep to the same
    /// `--rate`, timeout, retry options and outage limit): written once for both.
    public func session<C: Clock>(_ clock: C.Type) -> FlowServiceSession<C>.Configuration {
        var session = FlowServiceSession<C>.Configuration(
            platform: platform,
            network: network,
            timeout: timeout,
            concurrency: concurrency,
            retry: retry
        )
        session.rate = rate
        session.outageLimit = outageLimit
        session.retryBudgetCapacity = retryBudgetCapacity
        return session
    }
}

extension RunConfiguration {
    /// Name look-ups the listing sends at once: `--concurrency`, or one at a time under `--rate`,
    /// where the pace, not the round trips, sets how long they take (see ``ListingStrategy``).
    var lookUpsInFlight: Int { rate == nil ? concurrency : 1 }
}
