import Foundation

/// Builds ``PlatformSettings`` from flags, environment variables and an aepp-style config file:
/// flags win over the environment, which wins over the file.
///
/// The config file is aepp's JSON (`org_id`, `client_id`, `secret`, `scopes`, `sandbox-name`,
/// `environment`), so a user who already has one needs nothing new. Secrets are never taken from
/// flags.
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

    /// What came out: the settings (when credentials were found), the default sandbox, and warnings.
    public struct Resolved: Sendable {
        public var settings: PlatformSettings?
        /// The endpoint, even without credentials (for `--dry-run`).
        public var endpoint: String
        public var defaultSandbox: String
        public var warnings: [String]
        /// Why there are no settings, when there are none.
        public var missing: String?
    }

    public var flags: Flags
    public var environment: [String: String]

    public init(flags: Flags, environment: [String: String]) {
        self.flags = flags
        self.environment = environment
    }

    private struct ConfigFile: Decodable {
        var org_id: String?
        var client_id: String?
        var secret: String?
        var scopes: String?
        var sandbox: String?
        var environment: String?
        var api_key: String?

        enum CodingKeys: String, CodingKey {
            case org_id, client_id, secret, scopes, environment, api_key
            case sandbox = "sandbox-name"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            org_id = try? container.decodeIfPresent(String.self, forKey: .org_id)
            client_id = try? container.decodeIfPresent(String.self, forKey: .client_id)
            secret = try? container.decodeIfPresent(String.self, forKey: .secret)
            sandbox = try? container.decodeIfPresent(String.self, forKey: .sandbox)
            environment = try? container.decodeIfPresent(String.self, forKey: .environment)
            api_key = try? container.decodeIfPresent(String.self, forKey: .api_key)
            // aepp writes scopes as one comma-separated string; some configs hold a list.
            if let text = try? container.decodeIfPresent(String.self, forKey: .scopes) {
                scopes = text
            } else if let list = try? container.decodeIfPresent([String].self, forKey: .scopes) {
                scopes = list.joined(separator: ",")
            }
        }
    }

    /// Resolves the settings; throws ``ConfigurationError`` for an unreadable config file or an
    /// endpoint that would send credentials in clear.
    public func resolve() throws(ConfigurationError) -> Resolved {
        var warnings: [String] = []
        let config = try loadConfig(&warnings)
        func env(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let stage = config?.environment?.lowercased() == "stage"
        let endpoint = trimmedURL(flags.endpoint ?? env("AEP_ENDPOINT") ?? (stage ? GenericRESTSpec.stageEndpoint : GenericRESTSpec.productionEndpoint))
        let imsURL = trimmedURL(flags.imsURL ?? env("AEP_IMS_URL") ?? (stage ? GenericRESTSpec.stageIMS : GenericRESTSpec.productionIMS))
        for (url, option) in [(endpoint, "--endpoint"), (imsURL, "--ims-url")] {
            if let problem = TransportSecurity.problem(with: url, option: option, allowInsecureHTTP: flags.allowInsecureHTTP) {
                throw ConfigurationError(problem)
            }
        }
        let sandbox = flags.sandbox ?? env("AEP_SANDBOX") ?? config?.sandbox ?? "prod"
        guard SandboxName.isValid(sandbox) else {
            throw ConfigurationError(
                "sandbox '\(sandbox)' is not a sandbox name: sandbox names are lowercase letters, digits and hyphens"
            )
        }
        var resolved = Resolved(settings: nil, endpoint: endpoint, defaultSandbox: sandbox, warnings: warnings)
        let orgID = flags.orgID ?? env("AEP_ORG_ID") ?? config?.org_id
        let clientID = env("AEP_CLIENT_ID") ?? config?.client_id
        let authentication: PlatformSettings.Authentication
        if let token = env("AEP_ACCESS_TOKEN") {
            authentication = .accessToken(Secret(token))
        } else if let clientID, let secret = env("AEP_CLIENT_SECRET") ?? config?.secret {
            let scopes = env("AEP_SCOPES") ?? config?.scopes ?? GenericRESTSpec.defaultScopes
            authentication = .clientCredentials(clientID: clientID, clientSecret: Secret(secret), scopes: scopes)
        } else {
            resolved.missing =
                "no Platform credentials: set AEP_CLIENT_ID and AEP_CLIENT_SECRET (tokens are fetched from IMS and renewed),"
                + " or AEP_ACCESS_TOKEN, or pass --config with an aepp config file"
            return resolved
        }
        guard let orgID else {
            resolved.missing = "no organization: set AEP_ORG_ID (e.g. ABC123@AdobeOrg) or org_id in the --config file"
            return resolved
        }
        guard let apiKey = env("AEP_API_KEY") ?? config?.api_key ?? clientID else {
            resolved.missing = "no API key: set AEP_API_KEY (the client ID of the Developer Console project)"
            return resolved
        }
        resolved.settings = PlatformSettings(
            endpoint: endpoint,
            imsURL: imsURL,
            orgID: orgID,
            apiKey: apiKey,
            authentication: authentication
        )
        return resolved
    }

    private func trimmedURL(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    private func loadConfig(_ warnings: inout [String]) throws(ConfigurationError) -> ConfigFile? {
        guard let path = flags.configPath else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("--config \(path): the file cannot be read")
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 != 0
        {
            warnings.append(
                "--config \(path) can be read by other users (mode \(String(permissions & 0o777, radix: 8))) and holds a secret;"
                    + " run: chmod 600 \(path)"
            )
        }
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch {
            throw ConfigurationError("--config \(path): not a JSON object with aepp's keys (org_id, client_id, secret, scopes, sandbox-name)")
        }
    }
}

extension ConfigurationError: Equatable {
    public static func == (lhs: ConfigurationError, rhs: ConfigurationError) -> Bool { lhs.description == rhs.description }
}
