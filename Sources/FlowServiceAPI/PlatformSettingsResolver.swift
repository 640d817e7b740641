import FlowBatchModel
import Foundation

/// Builds ``PlatformSettings`` from flags, environment variables and a `--config` file: flags win
/// over the environment, which wins over the file.
///
/// The config file is aepp's JSON or the Developer Console's project JSON (see
/// ``PlatformConfigFile``), so a user who already has one needs nothing new. Secrets are never taken
/// from flags. Each setting keeps its ``SettingSource``; a value that overrides one of the config
/// file gets a note, and a missing setting is reported with every place it was looked for.
public struct PlatformSettingsResolver: Sendable {
    /// Values given as flags.
    public struct Flags: Sendable {
        public var endpoint: String?
        public var imsURL: String?
        public var orgID: String?
        public var sandbox: String?
        public var configPath: String?
        public var allowInsecureHTTP = false

        public init() {}
    }

    /// What came out: the settings (when credentials were found), the default sandbox, warnings
    /// and notes.
    public struct Resolved: Sendable {
        public var settings: PlatformSettings?
        /// The endpoint, even without credentials (for `--dry-run`).
        public var endpoint: String
        public var defaultSandbox: String
        public var warnings: [String]
        /// Which gateway and IMS are used and why, when not Adobe's production ones; which values
        /// override the config file's.
        public var notes: [String] = []
        /// Why there are no settings, when there are none.
        public var missing: String?
    }

    public var flags: Flags
    public var environment: [String: String]

    public init(flags: Flags, environment: [String: String]) {
        self.flags = flags
        self.environment = environment
    }

    /// A value and where it came from.
    private struct Sourced<Value> {
        var value: Value
        var source: SettingSource
    }

    /// Resolves the settings; throws ``ConfigurationError`` for an unreadable config file or an
    /// endpoint that would send credentials in clear.
    public func resolve() throws(ConfigurationError) -> Resolved {
        var warnings: [String] = []
        var notes: [String] = []
        let config = try loadConfig(&warnings)
        var resolved = try resolve(config: config, notes: &notes)
        resolved.warnings = warnings
        resolved.notes = notes
        return resolved
    }

    private func resolve(config: PlatformConfigFile?, notes: inout [String]) throws(ConfigurationError) -> Resolved {
        let (endpoint, imsURL) = try urls(config: config)
        for url in [endpoint, imsURL] {
            if let problem = TransportSecurity.problem(
                with: url.value,
                option: url.source.description,
                allowInsecureHTTP: flags.allowInsecureHTTP
            ) {
                throw ConfigurationError(problem)
            }
        }
        if endpoint.value != GenericRESTSpec.productionEndpoint || imsURL.value != GenericRESTSpec.productionIMS {
            notes.append(
                "Flow Service at \(endpoint.value) (from \(endpoint.source)); IMS at \(imsURL.value) (from \(imsURL.source))"
            )
        }

        let sandbox = pick(flag: flags.sandbox, "--sandbox", "AEP_SANDBOX", config?.sandbox, config, &notes)
        let sandboxName = sandbox?.value ?? "prod"
        guard SandboxName.isValid(sandboxName) else {
            throw ConfigurationError(
                "sandbox '\(sandboxName)' (from \(sandbox?.source ?? .builtIn)) is not a sandbox name: sandbox names"
                    + " are lowercase letters, digits and hyphens"
            )
        }
        var resolved = Resolved(settings: nil, endpoint: endpoint.value, defaultSandbox: sandboxName, warnings: [])
        var sources = PlatformSettings.Sources()
        sources.endpoint = endpoint.source
        sources.imsURL = imsURL.source

        let orgID = pick(flag: flags.orgID, "--org-id", "AEP_ORG_ID", config?.orgID, config, &notes)
        let clientID = pick(flag: nil, "", "AEP_CLIENT_ID", config?.clientID, config, &notes)
        let clientSecret = secret(config: config, &notes)
        let authentication: PlatformSettings.Authentication
        if let token = env("AEP_ACCESS_TOKEN") {
            authentication = .accessToken(Secret(token))
            if let config, config.clientSecret != nil {
                notes.append(
                    "AEP_ACCESS_TOKEN is used instead of the client credentials of the config file \(config.path)"
                )
            }
        } else if let clientID, let clientSecret {
            let scopes =
                pick(flag: nil, "", "AEP_SCOPES", config?.scopes, config, &notes)
                ?? Sourced(value: GenericRESTSpec.defaultScopes, source: .builtIn)
            authentication = .clientCredentials(
                clientID: clientID.value,
                clientSecret: clientSecret.value,
                scopes: scopes.value
            )
            sources.clientID = clientID.source
            sources.clientSecret = clientSecret.source
            sources.scopes = scopes.source
        } else {
            resolved.missing = missingCredentials(config: config, clientID: clientID, clientSecret: clientSecret)
            return resolved
        }
        guard let orgID else {
            resolved.missing =
                "no organization: --org-id and AEP_ORG_ID are not set"
                + (config.map { " and the config file \($0.path) has none (looked for \(Self.listed($0.orgIDKeys)))" }
                    ?? " and no --config was given")
                + "; give the org ID, e.g. ABC123@AdobeOrg"
            return resolved
        }
        sources.orgID = orgID.source
        let apiKey = env("AEP_API_KEY").map { Sourced(value: $0, source: .environment("AEP_API_KEY")) } ?? clientID
        guard let apiKey else {
            resolved.missing = "no API key: set AEP_API_KEY (the client ID of the Developer Console project)"
            return resolved
        }
        sources.apiKey = apiKey.source
        resolved.settings = PlatformSettings(
            endpoint: endpoint.value,
            imsURL: imsURL.value,
            orgID: orgID.value,
            apiKey: apiKey.value,
            authentication: authentication,
            sources: sources
        )
        return resolved
    }

    private func env(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// The flag's value, else the variable's, else the config file's; a config value overridden by
    /// a different one gets a note.
    private func pick(
        flag: String?,
        _ flagName: String,
        _ variable: String,
        _ fromFile: PlatformConfigFile.Entry<String>?,
        _ config: PlatformConfigFile?,
        _ notes: inout [String]
    ) -> Sourced<String>? {
        let chosen: Sourced<String>
        if let flag = flag?.trimmingCharacters(in: .whitespaces), !flag.isEmpty {
            chosen = Sourced(value: flag, source: .flag(flagName))
        } else if let value = env(variable) {
            chosen = Sourced(value: value, source: .environment(variable))
        } else {
            return fromFile.map { Sourced(value: $0.value, source: config!.source($0)) }
        }
        if let fromFile, let config, fromFile.value != chosen.value {
            notes.append(
                "\(chosen.source) (\(chosen.value)) overrides `\(fromFile.key)` (\(fromFile.value)) of the config file \(config.path)"
            )
        }
        return chosen
    }

    /// The client secret: `AEP_CLIENT_SECRET`, else the config file's; values are never shown.
    private func secret(config: PlatformConfigFile?, _ notes: inout [String]) -> Sourced<Secret>? {
        let fromFile = config?.clientSecret
        guard let value = env("AEP_CLIENT_SECRET") else {
            return fromFile.map { Sourced(value: $0.value, source: config!.source($0)) }
        }
        if let fromFile, let config, fromFile.value != Secret(value) {
            notes.append(
                "AEP_CLIENT_SECRET overrides `\(fromFile.key)` of the config file \(config.path) (the two secrets differ)"
            )
        }
        return Sourced(value: Secret(value), source: .environment("AEP_CLIENT_SECRET"))
    }

    /// The Flow Service endpoint and the IMS URL: flag, else variable, else what the config file's
    /// `environment` implies (as aepp maps it), else Adobe's production hosts.
    private func urls(config: PlatformConfigFile?) throws(ConfigurationError) -> (Sourced<String>, Sourced<String>) {
        func given(_ flag: String?, _ flagName: String, _ variable: String) -> Sourced<String>? {
            if let flag { return Sourced(value: trimmedURL(flag), source: .flag(flagName)) }
            return env(variable).map { Sourced(value: trimmedURL($0), source: .environment(variable)) }
        }
        let endpoint = given(flags.endpoint, "--endpoint", "AEP_ENDPOINT")
        let imsURL = given(flags.imsURL, "--ims-url", "AEP_IMS_URL")
        guard let config, let environment = config.environment, environment.value != "prod" else {
            return (
                endpoint ?? Sourced(value: GenericRESTSpec.productionEndpoint, source: .builtIn),
                imsURL ?? Sourced(value: GenericRESTSpec.productionIMS, source: .builtIn)
            )
        }
        let implied = SettingSource.configEnvironment(path: config.path, key: environment.key, value: environment.value)
        // aepp: `support` takes the gateway it is given and production IMS; any other X is
        // platform-X.adobe.io with the staging IMS.
        if environment.value == "support" {
            guard let endpoint else {
                throw ConfigurationError(
                    "\(implied) names no gateway (aepp passes it separately): give --endpoint or set AEP_ENDPOINT"
                )
            }
            return (endpoint, imsURL ?? Sourced(value: GenericRESTSpec.productionIMS, source: implied))
        }
        return (
            endpoint
                ?? Sourced(
                    value: "https://platform-\(environment.value).adobe.io/data/foundation/flowservice",
                    source: implied
                ),
            imsURL ?? Sourced(value: GenericRESTSpec.stageIMS, source: implied)
        )
    }

    /// Why there are no client credentials, naming every place each missing part was looked for.
    private func missingCredentials(
        config: PlatformConfigFile?,
        clientID: Sourced<String>?,
        clientSecret: Sourced<Secret>?
    ) -> String {
        guard let config else {
            if clientID != nil {
                return "no client secret: AEP_CLIENT_ID is set but AEP_CLIENT_SECRET is not (and no --config was given)"
            }
            if clientSecret != nil {
                return "no client ID: AEP_CLIENT_SECRET is set but AEP_CLIENT_ID is not (and no --config was given)"
            }
            return "no Platform credentials: set AEP_CLIENT_ID and AEP_CLIENT_SECRET (tokens are fetched from IMS and"
                + " renewed), or AEP_ACCESS_TOKEN, or pass --config with an aepp config file or the Developer Console's"
                + " project JSON"
        }
        var parts: [String] = []
        if clientID == nil {
            parts.append(
                "no client ID: AEP_CLIENT_ID is not set and the config file \(config.path) has none"
                    + " (looked for \(Self.listed(config.clientIDKeys)))"
            )
        }
        if clientSecret == nil {
            parts.append(
                "no client secret: AEP_CLIENT_SECRET is not set and the config file \(config.path) has none"
                    + " (looked for \(Self.listed(config.clientSecretKeys)))"
            )
        }
        return parts.joined(separator: "; ")
    }

    private static func listed(_ keys: [String]) -> String {
        keys.map { "`\($0)`" }.joined(separator: ", ")
    }

    private func trimmedURL(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    private func loadConfig(_ warnings: inout [String]) throws(ConfigurationError) -> PlatformConfigFile? {
        // `AEP_CONFIG` names the file for every command, as `--config` does for one.
        guard let path = flags.configPath ?? env("AEP_CONFIG") else { return nil }
        let origin = flags.configPath != nil ? "--config" : "AEP_CONFIG"
        let config = try PlatformConfigFile.read(path: path, chosenClientID: env("AEP_CLIENT_ID"), origin: origin)
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 != 0,
            config.clientSecret != nil
        {
            warnings.append(
                "\(origin) \(path) can be read by other users (mode \(String(permissions & 0o777, radix: 8))) and holds"
                    + " a secret; run: chmod 600 \(path)"
            )
        }
        return config
    }
}

extension ConfigurationError: Equatable {
    public static func == (lhs: ConfigurationError, rhs: ConfigurationError) -> Bool {
        lhs.description == rhs.description
    }
}
