/// The credentials of one source, as the Flow Service takes them in `auth.params`.
public enum Credentials: Sendable, Equatable {
    /// `Basic Authentication`: host, username and password.
    case basic(Basic)
    /// `OAuth2 Refresh Code`: host and access token, and optionally the rest of an OAuth 2 client.
    case oauth2RefreshCode(OAuth2RefreshCode)

    /// Basic authentication parameters; every one is required.
    public struct Basic: Sendable, Equatable {
        public var host: String
        public var username: String
        public var password: Secret

        public init(host: String, username: String, password: Secret) {
            self.host = host
            self.username = username
            self.password = password
        }
    }

    /// OAuth 2 refresh-code parameters: `host` and `accessToken` are required.
    public struct OAuth2RefreshCode: Sendable, Equatable {
        public var host: String
        public var accessToken: Secret
        public var authorizationTestUrl: String?
        public var clientId: String?
        public var clientSecret: Secret?
        public var refreshToken: Secret?
        /// A date written `YYYY-MM-DD`.
        public var expirationDate: String?
        public var accessTokenUrl: String?

        public init(
            host: String,
            accessToken: Secret,
            authorizationTestUrl: String? = nil,
            clientId: String? = nil,
            clientSecret: Secret? = nil,
            refreshToken: Secret? = nil,
            expirationDate: String? = nil,
            accessTokenUrl: String? = nil
        ) {
            self.host = host
            self.accessToken = accessToken
            self.authorizationTestUrl = authorizationTestUrl
            self.clientId = clientId
            self.clientSecret = clientSecret
            self.refreshToken = refreshToken
            self.expirationDate = expirationDate
            self.accessTokenUrl = accessTokenUrl
        }
    }

    /// The kind of authentication, as written in the `auth` column and the results file.
    public var kind: AuthKind {
        switch self {
        case .basic: .basic
        case .oauth2RefreshCode: .oauth2
        }
    }

    /// The names of the params a request body carries (`host`, `username`, ...), for checking them
    /// against the params the service's auth spec requires.
    public var paramNames: [String] {
        switch self {
        case .basic: ["host", "username", "password"]
        case .oauth2RefreshCode(let oauth):
            ["host", "accessToken"]
                + [
                    ("authorizationTestUrl", oauth.authorizationTestUrl != nil),
                    ("clientId", oauth.clientId != nil), ("clientSecret", oauth.clientSecret != nil),
                    ("refreshToken", oauth.refreshToken != nil), ("expirationDate", oauth.expirationDate != nil),
                    ("accessTokenUrl", oauth.accessTokenUrl != nil),
                ].filter(\.1).map(\.0)
        }
    }

    /// The secret values, for checks that they appear nowhere they should not: the secret params,
    /// and secrets written into a URL's query string (``URLSecrets``), which are masked wherever a
    /// message would echo them.
    public var secrets: [Secret] {
        let inURLs = urls.flatMap(URLSecrets.values(in:)).map(Secret.init)
        switch self {
        case .basic(let basic): return [basic.password] + inURLs
        case .oauth2RefreshCode(let oauth):
            return [oauth.accessToken] + [oauth.clientSecret, oauth.refreshToken].compactMap { $0 } + inURLs
        }
    }

    /// The URL params: `host`, and for OAuth `authorizationTestUrl` and `accessTokenUrl` when given.
    public var urls: [String] {
        switch self {
        case .basic(let basic): [basic.host]
        case .oauth2RefreshCode(let oauth):
            [oauth.host] + [oauth.authorizationTestUrl, oauth.accessTokenUrl].compactMap { $0 }
        }
    }
}

/// The kind of authentication of a row: `basic` or `oauth2`.
public enum AuthKind: String, Sendable, CaseIterable {
    case basic
    case oauth2
}
