import FlowBatchTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import FlowBatch
@testable import FlowBatchModel
@testable import FlowServiceAPI

@Suite("Platform settings and tokens", .timeLimit(.minutes(2)))
struct PlatformTests {
    private func resolve(_ environment: [String: String]) throws -> PlatformSettingsResolver.Resolved {
        try resolve(PlatformSettingsResolver.Flags(), environment)
    }

    private func resolve(
        _ flags: PlatformSettingsResolver.Flags,
        _ environment: [String: String]
    ) throws -> PlatformSettingsResolver.Resolved {
        try PlatformSettingsResolver(flags: flags, environment: environment).resolve()
    }

    @Test("client credentials from the environment; the API key defaults to the client ID")
    func environment() throws {
        let resolved = try resolve(["AEP_CLIENT_ID": "cid", "AEP_CLIENT_SECRET": "sec", "AEP_ORG_ID": "O@AdobeOrg"])
        let settings = try #require(resolved.settings)
        #expect(settings.apiKey == "cid")
        #expect(settings.endpoint == GenericRESTSpec.productionEndpoint)
        #expect(settings.imsURL == GenericRESTSpec.productionIMS)
        guard case .clientCredentials(let clientID, let secret, let scopes) = settings.authentication else {
            Issue.record("expected client credentials")
            return
        }
        #expect(clientID == "cid")
        #expect(secret.revealed == "sec")
        #expect(scopes == GenericRESTSpec.defaultScopes)
        #expect(resolved.defaultSandbox == "prod")
    }

    @Test("flags win over the environment, which wins over the config file")
    func precedence() throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write(
            "aepp.json",
            #"{"org_id":"FILE@AdobeOrg","client_id":"file-id","secret":"file-secret","scopes":["a","b"],"sandbox-name":"dev","environment":"stage"}"#
        )
        chmod(config, 0o600)
        var flags = PlatformSettingsResolver.Flags()
        flags.configPath = config
        let fromFile = try resolve(flags, [:])
        #expect(fromFile.settings?.orgID == "FILE@AdobeOrg")
        #expect(fromFile.defaultSandbox == "dev")
        #expect(fromFile.endpoint == GenericRESTSpec.stageEndpoint)
        #expect(fromFile.warnings.isEmpty)
        if case .clientCredentials(_, _, let scopes) = fromFile.settings?.authentication {
            #expect(scopes == "a,b")
        }
        let fromEnvironment = try resolve(
            flags,
            ["AEP_ORG_ID": "ENV@AdobeOrg", "AEP_SANDBOX": "qa", "AEP_ACCESS_TOKEN": "tok"]
        )
        #expect(fromEnvironment.settings?.orgID == "ENV@AdobeOrg")
        #expect(fromEnvironment.defaultSandbox == "qa")
        #expect(fromEnvironment.settings?.authentication == .accessToken(Secret("tok")))
        #expect(fromEnvironment.settings?.apiKey == "file-id")
        flags.orgID = "FLAG@AdobeOrg"
        flags.sandbox = "flag-sandbox"
        flags.endpoint = "https://gateway.example.com/flowservice/"
        let fromFlags = try resolve(flags, ["AEP_ORG_ID": "ENV@AdobeOrg", "AEP_SANDBOX": "qa"])
        #expect(fromFlags.settings?.orgID == "FLAG@AdobeOrg")
        #expect(fromFlags.defaultSandbox == "flag-sandbox")
        #expect(fromFlags.endpoint == "https://gateway.example.com/flowservice")
    }

    @Test("missing credentials, org or API key are named")
    func missing() throws {
        #expect(try resolve([:]).missing?.contains("no Platform credentials") == true)
        #expect(try resolve(["AEP_ACCESS_TOKEN": "t"]).missing?.contains("no organization") == true)
        #expect(try resolve(["AEP_ACCESS_TOKEN": "t", "AEP_ORG_ID": "O"]).missing?.contains("no API key") == true)
    }

    @Test("a bad config file or sandbox is a configuration error that names the problem, never the secret")
    func badConfiguration() throws {
        let directory = try TemporaryDirectory()
        var flags = PlatformSettingsResolver.Flags()
        flags.configPath = try directory.write("bad.json", #"{"secret": "file-S3CRET", "#)
        #expect(throws: ConfigurationError.self) { try resolve(flags, [:]) }
        do {
            _ = try resolve(flags, [:])
        } catch {
            #expect(!"\(error)".contains("file-S3CRET"))
        }
        var sandbox = PlatformSettingsResolver.Flags()
        sandbox.sandbox = "Prod"
        #expect(throws: ConfigurationError.self) { try resolve(sandbox, [:]) }
    }

    @Test("plain http is allowed only to this machine, unless asked for")
    func transportRule() {
        #expect(
            TransportSecurity.problem(with: "https://platform.adobe.io", option: "--endpoint", allowInsecureHTTP: false)
                == nil
        )
        #expect(
            TransportSecurity.problem(with: "http://127.0.0.1:8080/x", option: "--endpoint", allowInsecureHTTP: false)
                == nil
        )
        #expect(
            TransportSecurity.problem(with: "http://localhost:8080", option: "--endpoint", allowInsecureHTTP: false)
                == nil
        )
        #expect(
            TransportSecurity.problem(with: "http://[::1]:8080", option: "--endpoint", allowInsecureHTTP: false) == nil
        )
        #expect(
            TransportSecurity.problem(
                with: "http://platform.example.com",
                option: "--endpoint",
                allowInsecureHTTP: false
            ) != nil
        )
        #expect(
            TransportSecurity.problem(
                with: "http://127.0.0.1.evil.example",
                option: "--endpoint",
                allowInsecureHTTP: false
            ) != nil
        )
        #expect(
            TransportSecurity.problem(
                with: "http://platform.example.com",
                option: "--endpoint",
                allowInsecureHTTP: true
            ) == nil
        )
        #expect(TransportSecurity.problem(with: "ftp://x", option: "--endpoint", allowInsecureHTTP: true) != nil)
    }

    @Test("64 tasks refused at once share one renewal")
    func sharedRenewal() async throws {
        let fetches = Mutex(0)
        let provider = TokenProvider { () async throws(RunError) in
            let count = fetches.withLock { value -> Int in
                value += 1
                return value
            }
            try? await Task.sleep(for: .milliseconds(20))
            return (Secret("token-\(count)"), 3600)
        }
        let first = try await provider.token()
        provider.accepted(first)
        await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask { (try? await provider.refused(first).value.revealed) ?? "failed" }
            }
            for await token in group { #expect(token == "token-2") }
        }
        #expect(fetches.withLock { $0 } == 2)
    }

    @Test("a fresh token refused before it ever worked is a run error; an old one that worked is renewed")
    func freshTokenRefused() async throws {
        let provider = TokenProvider { () async throws(RunError) in (Secret("t"), 3600) }
        let first = try await provider.token()
        provider.accepted(first)
        let second = try await provider.refused(first)
        await #expect(throws: RunError.self) { _ = try await provider.refused(second) }
    }

    @Test("a fresh token refused too names where the org ID and API key came from")
    func freshTokenRefusedNamesSources() async throws {
        let provider = TokenProvider(
            fetch: { () async throws(RunError) in (Secret("t"), 3600) },
            entitlementAdvice: "check the org ID (from AEP_ORG_ID)"
        )
        let first = try await provider.token()
        provider.accepted(first)
        let second = try await provider.refused(first)
        do {
            _ = try await provider.refused(second)
            Issue.record("expected a run error")
        } catch {
            #expect(error.message.hasSuffix("org or API; check the org ID (from AEP_ORG_ID)"), "\(error.message)")
        }
    }

    @Test("a fixed token that is refused stops the run")
    func fixedTokenRefused() async throws {
        let provider = TokenProvider(fixed: Secret("fixed"))
        let token = try await provider.token()
        await #expect(throws: RunError.self) { _ = try await provider.refused(token) }
    }

    @Test("a token is renewed shortly before it expires")
    func renewalBeforeExpiry() async throws {
        let fetches = Mutex(0)
        let start = ContinuousClock.now
        let now = Mutex(start)
        let provider = TokenProvider(
            fetch: { () async throws(RunError) in
                fetches.withLock { $0 += 1 }
                return (Secret("t"), 3600)
            },
            now: { now.withLock { $0 } }
        )
        _ = try await provider.token()
        now.withLock { $0 = start + .seconds(3000) }
        _ = try await provider.token()
        #expect(fetches.withLock { $0 } == 1)
        now.withLock { $0 = start + .seconds(3599) }
        _ = try await provider.token()
        #expect(fetches.withLock { $0 } == 2)
    }

    @Test(
        "IMS refusing the credentials at the start is a configuration error; the same refusal at a renewal stays a run error"
    )
    func refusalAtStartAndLater() async throws {
        let refusing = Mutex(true)
        let provider = TokenProvider { () async throws(RunError) in
            if refusing.withLock({ $0 }) { throw RunError(.credentialsRefused, "IMS refused the client credentials") }
            return (Secret("t"), 3600)
        }
        var logger = Logger(label: "test.tokens")
        logger.logLevel = .critical
        let transport = HTTPTransport(connections: 1, timeout: .seconds(5), logger: logger)
        let settings = PlatformSettings(
            endpoint: "http://127.0.0.1:9",
            imsURL: "http://127.0.0.1:9",
            orgID: "O@AdobeOrg",
            apiKey: "k",
            authentication: .clientCredentials(clientID: "c", clientSecret: Secret("s"), scopes: "openid")
        )
        let client = FlowServiceClient(settings: settings, transport: transport, tokens: provider, logger: logger)
        await #expect(throws: ConfigurationError("IMS refused the client credentials")) {
            try await client.startToken()
        }
        refusing.withLock { $0 = false }
        try await client.startToken()
        let first = try await provider.token()
        provider.accepted(first)
        refusing.withLock { $0 = true }
        await #expect(throws: RunError.self) { _ = try await provider.refused(first) }
        await transport.shutdown()
    }
}
