import FlowBatchModel

/// The JSON bodies that write a connection, exactly as the Flow Service API takes them: the body of
/// `POST /connections`, and the JSON Patch of `PATCH /connections/{id}`.
public enum ConnectionBody {
    /// Encodes `request` with the auth spec names of `authSpecs`; `maskSecrets` writes `***` instead
    /// of each secret (for `--dry-run`).
    public static func encode(
        _ request: ConnectionRequest,
        authSpecs: ConnectionAuthSpecs,
        maskSecrets: Bool = false
    ) -> [UInt8] {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("name", request.name)
        json.field("description", request.description)
        json.key("auth")
        json.beginObject()
        json.field("specName", authSpecs.name(for: request.credentials.kind))
        json.key("params")
        params(of: request.credentials, maskSecrets: maskSecrets, into: &json)
        json.endObject()
        json.key("connectionSpec")
        json.beginObject()
        json.field("id", GenericRESTSpec.connectionSpecID)
        json.field("version", GenericRESTSpec.version)
        json.endObject()
        json.endObject()
        return json.bytes
    }

    /// The JSON Patch that makes an existing connection match `request`: its auth params replaced
    /// whole (a replace is idempotent: sending it again is harmless) unless the row keeps the
    /// connection's secrets (``ConnectionRequest/keepsSecrets``), and its description when
    /// `description` is true, with `add` as Adobe's example does: a connection made without a
    /// description has no such member, and `replace` of a missing member is an error (RFC 6902 §4.3),
    /// while `add` sets or replaces it.
    public static func patch(_ request: ConnectionRequest, description: Bool, maskSecrets: Bool = false) -> [UInt8] {
        var json = JSONWriter(capacity: 512)
        json.beginArray()
        if !request.keepsSecrets {
            json.beginObject()
            json.field("op", "replace")
            json.field("path", "/auth/params")
            json.key("value")
            params(of: request.credentials, maskSecrets: maskSecrets, into: &json)
            json.endObject()
        }
        if description {
            json.beginObject()
            json.field("op", "add")
            json.field("path", "/description")
            json.field("value", request.description ?? "")
            json.endObject()
        }
        json.endArray()
        return json.bytes
    }

    /// The `auth.params` object.
    private static func params(of credentials: Credentials, maskSecrets: Bool, into json: inout JSONWriter) {
        func reveal(_ secret: Secret) -> String { maskSecrets ? "***" : secret.revealed }
        // A secret in a URL's query string is masked as well (``URLSecrets``).
        func url(_ text: String) -> String { maskSecrets ? URLSecrets.masked(text) : text }
        json.beginObject()
        switch credentials {
        case .basic(let basic):
            json.field("host", url(basic.host))
            json.field("username", basic.username)
            json.field("password", reveal(basic.password))
        case .oauth2RefreshCode(let oauth):
            json.field("host", url(oauth.host))
            json.field("authorizationTestUrl", oauth.authorizationTestUrl.map(url))
            json.field("clientId", oauth.clientId)
            json.field("clientSecret", oauth.clientSecret.map(reveal))
            json.field("accessToken", reveal(oauth.accessToken))
            json.field("refreshToken", oauth.refreshToken.map(reveal))
            json.field("expirationDate", oauth.expirationDate)
            json.field("accessTokenUrl", oauth.accessTokenUrl.map(url))
        }
        json.endObject()
    }
}
