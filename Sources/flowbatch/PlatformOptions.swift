import ArgumentParser
import FlowBatch
import FlowBatchModel
import FlowServiceAPI

/// Where and as whom to talk to Platform; secrets are refused as flags.
struct PlatformOptions: ParsableArguments {
    @Option(
        help: """
            Flow Service base URL (default: $AEP_ENDPOINT, else the gateway of the config file's 'environment', \
            else Adobe's production gateway).
            """
    )
    var endpoint: String?

    @Option(
        name: .customLong("ims-url"),
        help:
            "Token service base URL (default: $AEP_IMS_URL, else the IMS of the config file's 'environment', else Adobe IMS)."
    )
    var imsURL: String?

    @Option(
        name: .customLong("org-id"),
        help: "Organization ID, ...@AdobeOrg (default: $AEP_ORG_ID, else the config file)."
    )
    var orgID: String?

    @Option(
        help:
            "Default sandbox; a sandbox column overrides it per row (default: $AEP_SANDBOX, else the config file, else prod). check and export take it more than once."
    )
    var sandbox: [String] = []

    @Option(
        help: ArgumentHelp(
            "An aepp config file or the Developer Console's downloaded project JSON (default: $AEP_CONFIG).",
            discussion: """
                aepp: org_id, client_id, secret (or client_secrets), scopes, sandbox-name, environment; keys in any \
                case. Project JSON: its OAuth Server-to-Server credential; when it holds several, AEP_CLIENT_ID \
                chooses one. Environment variables override the file's values.
                """,
            valueName: "file"
        ),
        completion: .file(extensions: ["json"])
    )
    var config: String?

    @Option(
        name: .customLong("ca-file"),
        help:
            "Also trust the CA certificates of this PEM file, e.g. a TLS-inspecting proxy's; certificates are always verified. (SSL_CERT_FILE, else CURL_CA_BUNDLE, else REQUESTS_CA_BUNDLE, when set, replaces the system trust store.)",
        completion: .file()
    )
    var caFile: String?

    @Flag(
        help: "Allow plain http:// to a host other than this machine (credentials would cross the network unencrypted)."
    )
    var allowInsecureHTTP = false

    /// For commands that take one default sandbox (run, undo): `--sandbox` once at most.
    func requireOneSandbox() throws {
        if sandbox.count > 1 {
            throw ValidationError("--sandbox can be given once (it is the default sandbox of the rows)")
        }
    }

    // Secrets given as flags show in `ps` and in shell history: these exist only to say so.
    @Option(name: .customLong("client-secret"), help: .hidden) var clientSecretFlag: String?
    @Option(name: .customLong("secret"), help: .hidden) var secretFlag: String?
    @Option(name: .customLong("access-token"), help: .hidden) var accessTokenFlag: String?
    @Option(name: .customLong("token"), help: .hidden) var tokenFlag: String?
    @Option(name: .customLong("password"), help: .hidden) var passwordFlag: String?

    func validate() throws {
        if clientSecretFlag != nil || secretFlag != nil || accessTokenFlag != nil || tokenFlag != nil
            || passwordFlag != nil
        {
            throw ValidationError(
                "secrets are not accepted as flags (they would show in ps and in shell history): set AEP_CLIENT_SECRET"
                    + " or AEP_ACCESS_TOKEN in the environment, or use --config with a file only you can read"
            )
        }
    }

    /// The settings of a command that needs credentials: without them it exits with status 64.
    func resolveCredentials() throws -> (PlatformSettingsResolver.Resolved, PlatformSettings) {
        let resolved = try resolveForCommand()
        guard let settings = resolved.settings else {
            throw Failure.exit(.configuration, "error: \(resolved.missing ?? "no Platform credentials")")
        }
        return (resolved, settings)
    }

    /// The settings, with their warnings printed; a configuration error exits with status 64.
    func resolveForCommand() throws -> PlatformSettingsResolver.Resolved {
        let resolved: PlatformSettingsResolver.Resolved
        do {
            resolved = try resolve()
        } catch {
            throw Failure.exit(.configuration, "error: \(error)")
        }
        for warning in resolved.warnings { Console.err("warning: \(warning)") }
        for note in resolved.notes { Console.err("note: \(note)") }
        return resolved
    }

    /// Proxies (as curl reads them) and trusted certificates, with a note per host that `settings`
    /// talk to saying how it is reached; a bad proxy variable or CA file exits with status 64 before
    /// anything is sent.
    func resolveNetwork(for settings: PlatformSettings?) throws -> NetworkSettings {
        var urls: [String] = []
        if let settings {
            urls.append(settings.endpoint)
            if case .clientCredentials = settings.authentication { urls.append(settings.imsURL) }
        }
        let network: NetworkSettings
        do {
            network = try NetworkSettings.resolve(caFile: caFile, environment: Environment.all())
        } catch {
            throw Failure.exit(.configuration, "error: \(error)")
        }
        for note in network.notes(for: urls) { Console.err("note: \(note)") }
        return network
    }

    func resolve() throws(ConfigurationError) -> PlatformSettingsResolver.Resolved {
        var flags = PlatformSettingsResolver.Flags()
        flags.endpoint = endpoint
        flags.imsURL = imsURL
        flags.orgID = orgID
        flags.sandbox = sandbox.last
        flags.configPath = config
        flags.allowInsecureHTTP = allowInsecureHTTP
        return try PlatformSettingsResolver(flags: flags, environment: Environment.all()).resolve()
    }
}
