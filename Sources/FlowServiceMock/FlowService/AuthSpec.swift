/// An auth spec of the generic REST API connection spec: its accepted names and its params.
struct AuthSpec: Sendable {
    /// Every spelling Flow Service accepts for this spec.
    var names: [String]
    var requiredParams: [String]
    var optionalParams: [String]

    /// Params whose values are never stored nor shown.
    static let secretParams: Set<String> = ["password", "clientSecret", "accessToken", "refreshToken"]

    static let basic = AuthSpec(
        names: ["Basic Authentication"],
        requiredParams: ["host", "username", "password"],
        optionalParams: []
    )

    /// Adobe's pages spell it both ways; both are accepted.
    static let oAuth2RefreshCode = AuthSpec(
        names: ["OAuth2 Refresh Code", "oAuth2RefreshCode"],
        requiredParams: ["host", "accessToken"],
        optionalParams: [
            "authorizationTestUrl", "clientId", "clientSecret", "refreshToken", "expirationDate", "accessTokenUrl",
        ]
    )

    static let all = [basic, oAuth2RefreshCode]

    static func named(_ name: String) -> AuthSpec? {
        Self.all.first { $0.names.contains(name) }
    }
}
