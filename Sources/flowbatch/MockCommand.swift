import ArgumentParser
import FlowServiceMock
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `flowbatch mock`: serves the mock Flow Service and IMS token service on loopback.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve the mock Flow Service and IMS token service on loopback.",
        discussion: """
            Prints one line to stdout, 'listening on http://HOST:PORT' (https:// with --tls-cert and \
            --tls-key), then serves until SIGINT or \
            SIGTERM; the datasets and mapping sets it serves go to stderr. Durations are written like \
            20ms, 1.5s, 2m, 24h. Every fault is off by default and the create faults apply to every \
            create (connections, source and target connections, flows); GET /__mock/stats shows what \
            the mock has seen.
            """
    )

    @Option(help: "Host or address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port = 8080

    @Option(name: .customLong("client-id"), help: "Client ID that IMS accepts; x-api-key must equal it.")
    var clientID = "flowbatch-demo"

    @Option(name: .customLong("client-secret"), help: "Client secret that IMS accepts.")
    var clientSecret = "flowbatch-demo-secret"

    @Option(name: .customLong("org-id"), help: "Organization served; x-gw-ims-org-id must equal it.")
    var orgID = "DEMO0000000000000000@AdobeOrg"

    @Option(name: .customLong("static-token"), help: "Also accept this bearer token, forever. (default: none)")
    var staticToken: String?

    @Option(help: "Comma-separated sandboxes that exist; others answer 404 FLOW-2100-404.")
    var sandboxes = "prod,dev"

    @Option(name: .customLong("token-lifetime"), help: "expires_in of issued tokens; later they answer 401013.")
    var tokenLifetime = "24h"

    @Option(help: "Delay added to every answer.")
    var latency = "0ms"

    @Option(name: .customLong("latency-jitter"), help: "Up to this much more delay, drawn uniformly per answer.")
    var latencyJitter = "0ms"

    @Option(
        name: .customLong("throttle-rps"),
        help: "Admit this many Platform requests per second; answer the rest 429 with Retry-After. (default: off)"
    )
    var throttleRPS: Int?

    @Option(
        name: .customLong("error-rate"),
        help: "Share of creates (every create route) answered 500 or 503 without creating."
    )
    var errorRate: Double = 0

    @Option(
        name: .customLong("ambiguous-rate"),
        help: "Share of creates (every create route) that create, then answer 504 or drop the connection."
    )
    var ambiguousRate: Double = 0

    @Option(
        name: .customLong("dataset"),
        help: ArgumentHelp(
            "A Catalog dataset to serve, as ID or ID=SCHEMA_ID (repeatable). (default: one demo dataset)",
            discussion: "Without SCHEMA_ID its schema is https://ns.adobe.com/flowbatch/schemas/ID."
        )
    )
    var datasets: [String] = []

    @Option(
        name: .customLong("mapping-set"),
        help: "A Data Prep mapping set to serve, at version 0 (repeatable). (default: one demo mapping set)"
    )
    var mappingSets: [String] = []

    @Option(
        name: .customLong("answer-fault"),
        help: ArgumentHelp(
            "Share of POST /connections given a hostile answer, as KIND=SHARE (repeatable).",
            discussion: "Kinds: " + AnswerFault.allCases.map(\.rawValue).joined(separator: ", ") + "."
        )
    )
    var answerFaults: [String] = []

    @Option(name: .customLong("huge-body-bytes"), help: "Size of a huge-body answer.")
    var hugeBodyBytes = 8 << 20

    @Option(name: .customLong("trickle-interval"), help: "Pause between the bytes of a slow-trickle answer.")
    var trickleInterval = "200ms"

    @Option(
        name: .customLong("oauth-spec-name"),
        help: "The only OAuth 2 auth spec name the connection spec lists and creates accept. (default: both spellings)"
    )
    var oauthSpecName: String?

    @Option(
        name: .customLong("forbidden-sandboxes"),
        help: "Comma-separated sandboxes that exist but where the token lacks permission (403 FLOW-2121-403)."
    )
    var forbiddenSandboxes = ""

    @Flag(
        name: .customLong("unentitled-token"),
        help: "Tokens are valid but not entitled to the org: Platform calls answer 403 403025."
    )
    var unentitledToken = false

    @Flag(
        name: .customLong("patch-disabled"),
        help: "Every PATCH answers FLOW-1445-400 (\"PATCH Connection Feature not enabled\"), as an org without it."
    )
    var patchDisabled = false

    @Flag(name: .customLong("throttle-bare"), help: "Throttled answers are a bare 429: no body, no Retry-After.")
    var throttleBare = false

    @Option(name: .customLong("ims-429-count"), help: "The first N token requests answer 429.")
    var imsThrottleCount = 0

    @Option(
        name: .customLong("outage-at"),
        help:
            "From this long after start, close every connection without an answer (needs --outage-for). (default: off)"
    )
    var outageAt: String?

    @Option(name: .customLong("outage-for"), help: "How long the outage from --outage-at lasts.")
    var outageFor: String?

    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this PEM certificate (and chain); needs --tls-key.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Flag(help: "Over HTTPS, offer HTTP/2 by ALPN beside HTTP/1.1 (needs --tls-cert and --tls-key).")
    var http2 = false

    @Option(help: "Seed that makes the fault choices repeatable. (default: random)")
    var seed: UInt64?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (to stderr).")
    var logLevel = "warning"

    func validate() throws {
        guard (self.tlsCert == nil) == (self.tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither.")
        }
        guard !http2 || tlsCert != nil else {
            throw ValidationError("--http2 is offered over HTTPS only (by ALPN): give --tls-cert and --tls-key too.")
        }
        do {
            _ = try self.mockConfiguration()
        } catch {
            throw ValidationError(error.description)
        }
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError("--log-level: '\(self.logLevel)' is not a log level.")
        }
    }

    func run() async throws {
        let configuration = try self.mockConfiguration()
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "flowbatch.mock")
        logger.logLevel = Logger.Level(rawValue: self.logLevel) ?? .warning
        let service = MockService(configuration: configuration, logger: logger) { mock in
            print("listening on \(mock.baseURL)")
            fflush(nil)
            // stdout stays the one line scripts read; what to copy goes to stderr.
            Console.err(Self.howToPointAt(mock, configuration: configuration))
            var served = ""
            for dataset in mock.configuration.datasets {
                served += "dataset \(dataset.id) schema \(dataset.schemaID)\n"
            }
            for mappingSet in mock.configuration.mappingSets {
                served += "mapping set \(mappingSet.id) version \(mappingSet.version)\n"
            }
            Console.errRaw(served)
        }
        let group = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }

    /// The variables that point `flowbatch` at `mock`, ready to paste into another shell. A client
    /// secret given with `--client-secret` is not repeated: only the demo's default is shown.
    static func howToPointAt(_ mock: RunningMock, configuration: MockConfiguration) -> String {
        let secret =
            configuration.clientSecret == MockConfiguration().clientSecret
            ? configuration.clientSecret : "<the --client-secret given to the mock>"
        let ca = configuration.tls == nil ? "" : " SSL_CERT_FILE=<the CA that signed --tls-cert>"
        return """
            To point flowbatch at this mock, in another shell:
              export AEP_ENDPOINT=\(mock.flowServiceURL) AEP_IMS_URL=\(mock.baseURL)\(ca)
              export AEP_CLIENT_ID=\(configuration.clientID) AEP_CLIENT_SECRET=\(secret) AEP_ORG_ID=\(configuration.orgID)
              flowbatch run samples/mixed.csv
            (or pass --endpoint \(mock.flowServiceURL) --ims-url \(mock.baseURL) to each command)
            """
    }

    private func mockConfiguration() throws(MockConfigurationError) -> MockConfiguration {
        var configuration = MockConfiguration()
        configuration.host = self.host
        configuration.port = self.port
        configuration.clientID = self.clientID
        configuration.clientSecret = self.clientSecret
        configuration.orgID = self.orgID
        configuration.staticToken = self.staticToken
        configuration.sandboxes = self.sandboxes.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if let tlsCert, let tlsKey {
            configuration.tls = MockTLS(certificatePath: tlsCert, privateKeyPath: tlsKey, http2: http2)
        }
        if !self.datasets.isEmpty {
            configuration.datasets = try self.datasets.map { text throws(MockConfigurationError) in
                guard let dataset = MockDataset(option: text) else {
                    throw MockConfigurationError(.outOfRange, option: "dataset", value: text)
                }
                return dataset
            }
        }
        if !self.mappingSets.isEmpty {
            configuration.mappingSets = self.mappingSets.map { MockMappingSet(id: $0) }
        }
        configuration.tokenLifetime = try MockDuration.parse(self.tokenLifetime, option: "token-lifetime")
        var faults = MockFaults()
        faults.latency = try MockDuration.parse(self.latency, option: "latency")
        faults.latencyJitter = try MockDuration.parse(self.latencyJitter, option: "latency-jitter")
        faults.throttleRPS = self.throttleRPS
        faults.errorRate = self.errorRate
        faults.ambiguousRate = self.ambiguousRate
        for text in self.answerFaults {
            let (kind, share) = try AnswerFault.parseShare(text)
            faults.answerFaults[kind, default: 0] += share
        }
        faults.hugeBodyBytes = self.hugeBodyBytes
        faults.trickleInterval = try MockDuration.parse(self.trickleInterval, option: "trickle-interval")
        faults.seed = self.seed
        configuration.oauthSpecName = self.oauthSpecName
        faults.forbiddenSandboxes = Set(
            self.forbiddenSandboxes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        )
        faults.unentitledToken = self.unentitledToken
        faults.patchDisabled = self.patchDisabled
        faults.throttleBare = self.throttleBare
        faults.imsThrottleCount = self.imsThrottleCount
        switch (self.outageAt, self.outageFor) {
        case (let at?, let duration?):
            faults.outageAt = try MockDuration.parse(at, option: "outage-at")
            faults.outageFor = try MockDuration.parse(duration, option: "outage-for")
        case (let at?, nil):
            faults.outageAt = try MockDuration.parse(at, option: "outage-at")
        case (nil, _?):
            throw MockConfigurationError(.needsOption, option: "outage-for", value: "outage-at")
        case (nil, nil):
            break
        }
        configuration.faults = faults
        try configuration.validate()
        return configuration
    }
}
