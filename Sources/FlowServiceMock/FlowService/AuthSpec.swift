/// One entry of the generic REST API connection spec's `authSpec` list: its name, type and
/// params, written out as Adobe's sources documentation shows auth specs (`name`, `type`, and a
/// draft-07 JSON schema of the params with `required`; secrets have `"format": "password"`).
struct AuthSpec: Sendable {
    /// One auth param of the spec.
    struct Param: Sendable {
        var name: String
        var description: String
        /// `password` for secrets, `date` for `expirationDate`.
        var format: String?
        var required: Bool
    }

    var name: String
    var type: String
    var description: String
    var params: [Param]

    var requiredParams: [String] { self.params.filter(\.required).map(\.name) }

    /// Params whose values are never stored nor shown: those of `"format": "password"`.
    var secretParams: Set<String> { Set(self.params.filter { $0.format == "password" }.map(\.name)) }

    static let basicName = "Basic Authentication"
    /// The two spellings of the OAuth 2 refresh-code name on Adobe's pages.
    static let oAuth2Names = ["OAuth2 Refresh Code", "oAuth2RefreshCode"]

    static let basic = AuthSpec(
        name: basicName,
        type: "BasicAuthentication",
        description: "defines auth params required for connecting to rest service.",
        params: [
            Param(name: "host", description: "The host URL of the REST API.", required: true),
            Param(name: "username", description: "Username to connect rest endpoint.", required: true),
            Param(
                name: "password",
                description: "Password to connect rest endpoint.",
                format: "password",
                required: true
            ),
        ]
    )

    static func oAuth2RefreshCode(named name: String) -> AuthSpec {
        AuthSpec(
            name: name,
            type: "OAuth2RefreshCode",
            description: "Define auth params required for connecting to generic rest using oauth2 authorization code.",
            params: [
                Param(name: "host", description: "The host URL of the REST API.", required: true),
                Param(
                    name: "authorizationTestUrl",
                    description: "Authorization test url to validate accessToken.",
                    required: false
                ),
                Param(name: "clientId", description: "Client id of user account.", required: false),
                Param(
                    name: "clientSecret",
                    description: "Client secret of user account.",
                    format: "password",
                    required: false
                ),
                Param(name: "accessToken", description: "Access Token", format: "password", required: true),
                Param(name: "refreshToken", description: "Refresh Token", format: "password", required: false),
                Param(
                    name: "expirationDate",
                    description: "Date of token expiry.",
                    format: "date",
                    required: false
                ),
                Param(
                    name: "accessTokenUrl",
                    description: "Access token url to fetch access token.",
                    required: false
                ),
            ]
        )
    }

    /// The auth specs the connection spec lists: basic, then OAuth 2 refresh code under
    /// `oauthName` alone, or under both of Adobe's spellings when it is `nil`.
    static func listed(oauthName: String?) -> [AuthSpec] {
        [Self.basic] + (oauthName.map { [$0] } ?? Self.oAuth2Names).map(Self.oAuth2RefreshCode(named:))
    }

    /// The `authSpec` entry as JSON.
    var json: JSONOutput {
        let properties: [(String, JSONOutput)] = self.params.map { param in
            var members: [(String, JSONOutput)] = [("description", .string(param.description)), ("type", "string")]
            if let format = param.format {
                members.append(("format", .string(format)))
            }
            return (param.name, .object(members))
        }
        return .object([
            ("name", .string(self.name)),
            ("type", .string(self.type)),
            (
                "spec",
                .object([
                    ("$schema", "http://json-schema.org/draft-07/schema#"),
                    ("type", "object"),
                    ("description", .string(self.description)),
                    ("properties", .object(properties)),
                    ("required", .array(self.requiredParams.map(JSONOutput.string))),
                ])
            ),
        ])
    }
}
