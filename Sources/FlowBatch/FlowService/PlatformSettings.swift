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

    public init(endpoint: String, imsURL: String, orgID: String, apiKey: String, authentication: Authentication) {
        self.endpoint = endpoint
        self.imsURL = imsURL
        self.orgID = orgID
        self.apiKey = apiKey
        self.authentication = authentication
    }

    /// The secret values of these settings, for redacting text that might echo them.
    public var secrets: [Secret] {
        switch authentication {
        case .accessToken(let token): [token]
        case .clientCredentials(_, let secret, _): [secret]
        }
    }
}
