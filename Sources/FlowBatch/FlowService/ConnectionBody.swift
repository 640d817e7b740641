/// The JSON body of `POST /connections` for one request, exactly as the Flow Service API takes it.
public enum ConnectionBody {
    /// Encodes `request` with the auth spec names of `authSpecs`; `maskSecrets` writes `***` instead
    /// of each secret (for `--dry-run`).
    public static func encode(
        _ request: ConnectionRequest,
        authSpecs: ConnectionAuthSpecs,
        maskSecrets: Bool = false
    ) -> [UInt8] {
        func reveal(_ secret: Secret) -> String { maskSecrets ? "***" : secret.revealed }
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("name", request.name)
        json.field("description", request.description)
        json.key("auth")
        json.beginObject()
        switch request.credentials {
        case .basic(let basic):
            json.field("specName", authSpecs.basicName)
            json.key("params")
            json.beginObject()
            json.field("host", basic.host)
            json.field("username", basic.username)
            json.field("password", reveal(basic.password))
            json.endObject()
        case .oauth2RefreshCode(let oauth):
            json.field("specName", authSpecs.oauthName)
            json.key("params")
            json.beginObject()
            json.field("host", oauth.host)
            json.field("authorizationTestUrl", oauth.authorizationTestUrl)
            json.field("clientId", oauth.clientId)
            json.field("clientSecret", oauth.clientSecret.map(reveal))
            json.field("accessToken", reveal(oauth.accessToken))
            json.field("refreshToken", oauth.refreshToken.map(reveal))
            json.field("expirationDate", oauth.expirationDate)
            json.field("accessTokenUrl", oauth.accessTokenUrl)
            json.endObject()
        }
        json.endObject()
        json.key("connectionSpec")
        json.beginObject()
        json.field("id", GenericRESTSpec.connectionSpecID)
        json.field("version", GenericRESTSpec.version)
        json.endObject()
        json.endObject()
        return json.bytes
    }
}
