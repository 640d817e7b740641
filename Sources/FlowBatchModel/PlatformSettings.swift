/// Where and as whom flowbatch talks to Experience Platform.
///
/// Secrets (client secret, access token) come from the environment or a config file, never from
/// command-line flags, and print as `***`.
public struct PlatformSettings: Sendable, Equatable {
    /// How flowbatch gets access tokens.
    public enum Authentication: Sendable, Equatable {
        /// A ready access token (`AEP_ACCESS_TOKEN`); it cannot be renewed.
        case accessToken(Secret)
        /// OAuth server-to-server client credentials; tokens are fetched from IMS and renewed.
        case clientCredentials(clientID: String, clientSecret: Secret, scopes: String)
    }

    /// The Flow Service base URL, e.g. `https://platform.adobe.io/data/foundation/flowservice`.
    public var endpoint: String
    /// The IMS base URL, e.g. `https://ims-na1.adobelogin.com`.
    public var imsURL: String
    /// The organization ID, `...@AdobeOrg`.
    public var orgID: String
    /// The `x-api-key`: the client ID of the Developer Console project.
    public var apiKey: String
    /// How tokens are obtained.
    public var authentication: Authentication
    /// Where each setting came from, for messages that say where to fix it.
    public var sources: Sources

    /// Where each setting came from; each defaults to ``SettingSource/builtIn``.
    public struct Sources: Sendable, Equatable {
        public var endpoint: SettingSource = .builtIn
        public var imsURL: SettingSource = .builtIn
        public var orgID: SettingSource = .builtIn
        public var apiKey: SettingSource = .builtIn
        public var clientID: SettingSource = .builtIn
        public var clientSecret: SettingSource = .builtIn
        public var scopes: SettingSource = .builtIn

        public init() {}
    }

    public init(
        endpoint: String,
        imsURL: String,
        orgID: String,
        apiKey: String,
        authentication: Authentication,
        sources: Sources = Sources()
    ) {
        self.endpoint = endpoint
        self.imsURL = imsURL
        self.orgID = orgID
        self.apiKey = apiKey
        self.authentication = authentication
        self.sources = sources
    }

    /// The secret values of these settings, for redacting text that might echo them.
    public var secrets: [Secret] {
        switch authentication {
        case .accessToken(let token): [token]
        case .clientCredentials(_, let secret, _): [secret]
        }
    }
}
