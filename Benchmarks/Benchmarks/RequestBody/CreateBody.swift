import FlowBatchModel
import FlowServiceAPI
import Foundation

/// The body of `POST /connections` as a `Codable` struct: the keys declared in the order
/// `ConnectionBody` writes them, absent optionals left out, so `JSONEncoder` writes the same document.
struct CreateBody: Encodable {
    struct Auth: Encodable {
        var specName: String
        var params: Params
    }

    struct Params: Encodable {
        var host: String
        var username: String?
        var password: String?
        var authorizationTestUrl: String?
        var clientId: String?
        var clientSecret: String?
        var accessToken: String?
        var refreshToken: String?
        var expirationDate: String?
        var accessTokenUrl: String?
    }

    struct Spec: Encodable {
        var id: String
        var version: String
    }

    var name: String
    var description: String?
    var auth: Auth
    var connectionSpec: Spec

    /// Compact, `/` not escaped, as `ConnectionBody` writes.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    init(_ request: ConnectionRequest, specs: ConnectionAuthSpecs) {
        name = request.name
        description = request.description
        let params: Params
        switch request.credentials {
        case .basic(let basic):
            params = Params(host: basic.host, username: basic.username, password: basic.password.revealed)
        case .oauth2RefreshCode(let oauth):
            params = Params(
                host: oauth.host,
                authorizationTestUrl: oauth.authorizationTestUrl,
                clientId: oauth.clientId,
                clientSecret: oauth.clientSecret?.revealed,
                accessToken: oauth.accessToken.revealed,
                refreshToken: oauth.refreshToken?.revealed,
                expirationDate: oauth.expirationDate,
                accessTokenUrl: oauth.accessTokenUrl
            )
        }
        auth = Auth(specName: specs.name(for: request.credentials.kind), params: params)
        connectionSpec = Spec(id: GenericRESTSpec.connectionSpecID, version: GenericRESTSpec.version)
    }

    /// The same body through `JSONSerialization`, built as a dictionary from the request.
    static func serialized(_ request: ConnectionRequest, specs: ConnectionAuthSpecs) throws -> Data {
        var params: [String: Any] = [:]
        switch request.credentials {
        case .basic(let basic):
            params["host"] = basic.host
            params["username"] = basic.username
            params["password"] = basic.password.revealed
        case .oauth2RefreshCode(let oauth):
            params["host"] = oauth.host
            params["authorizationTestUrl"] = oauth.authorizationTestUrl
            params["clientId"] = oauth.clientId
            params["clientSecret"] = oauth.clientSecret?.revealed
            params["accessToken"] = oauth.accessToken.revealed
            params["refreshToken"] = oauth.refreshToken?.revealed
            params["expirationDate"] = oauth.expirationDate
            params["accessTokenUrl"] = oauth.accessTokenUrl
        }
        var body: [String: Any] = [
            "name": request.name,
            "auth": ["specName": specs.name(for: request.credentials.kind), "params": params],
            "connectionSpec": ["id": GenericRESTSpec.connectionSpecID, "version": GenericRESTSpec.version],
        ]
        body["description"] = request.description
        return try JSONSerialization.data(withJSONObject: body, options: [.withoutEscapingSlashes])
    }
}
