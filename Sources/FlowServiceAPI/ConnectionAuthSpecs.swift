import FlowBatchModel
import Foundation

/// What the service's generic REST connection spec says about authentication: the exact auth spec
/// names it accepts for basic and for OAuth 2 refresh code, and the params each requires.
///
/// Adobe's pages spell the OAuth name two ways (`OAuth2 Refresh Code`, `oAuth2RefreshCode`), so a
/// run asks the service (`GET /connectionSpecs/{id}`) instead of guessing; ``builtIn`` is what
/// flowbatch assumes when the spec cannot be read.
public struct ConnectionAuthSpecs: Sendable, Equatable {
    public var basicName: String
    public var oauthName: String
    /// Params the basic auth spec requires.
    public var basicRequired: [String]
    /// Params the OAuth 2 refresh-code auth spec requires.
    public var oauthRequired: [String]
    /// Every auth spec name the service listed, for `check` and the start note.
    public var listed: [String]
    /// Whether these are the service's (read from its connection spec) or flowbatch's built-in ones.
    public var fromService = false
    /// The source params the spec's `sourceSpec.spec` lists (a JSON Schema), read from the same
    /// answer; `nil` when it has none or it cannot be read (and in ``builtIn``: Adobe does not
    /// document generic REST's, so flowbatch never assumes them).
    public var sourceParams: SourceParamsSchema?

    public init(
        basicName: String,
        oauthName: String,
        basicRequired: [String],
        oauthRequired: [String],
        listed: [String],
        fromService: Bool = false,
        sourceParams: SourceParamsSchema? = nil
    ) {
        self.fromService = fromService
        self.sourceParams = sourceParams
        self.basicName = basicName
        self.oauthName = oauthName
        self.basicRequired = basicRequired
        self.oauthRequired = oauthRequired
        self.listed = listed
    }

    /// The spec as Adobe's documents describe it (flow-service-api.md).
    public static let builtIn = ConnectionAuthSpecs(
        basicName: GenericRESTSpec.basicSpecName,
        oauthName: GenericRESTSpec.defaultOAuthSpecName,
        basicRequired: ["host", "username", "password"],
        oauthRequired: ["host", "accessToken"],
        listed: [GenericRESTSpec.basicSpecName, GenericRESTSpec.defaultOAuthSpecName]
    )

    /// The auth spec name for `kind`.
    public func name(for kind: AuthKind) -> String {
        kind == .basic ? basicName : oauthName
    }

    /// What `request` lacks of what the service's spec requires, as row problems.
    public func problems(with request: ConnectionRequest) -> [RowProblem] {
        let required = request.credentials.kind == .basic ? basicRequired : oauthRequired
        let present = Set(request.credentials.paramNames)
        let name = name(for: request.credentials.kind)
        return required.filter { !present.contains($0) }.map {
            RowProblem(field: $0, code: .missingField, message: "is required by the service's '\(name)' auth spec")
        }
    }

    /// Reads the answer of `GET /connectionSpecs/{id}` (`{"items": [spec]}`, or the spec itself);
    /// `nil` when it lists no basic or no OAuth 2 refresh-code auth spec. Its `sourceSpec.spec` gives
    /// ``sourceParams``; one that cannot be read leaves them `nil` and the auth specs as read.
    static func read(from body: [UInt8]) -> ConnectionAuthSpecs? {
        let decoder = JSONDecoder()
        let spec =
            (try? decoder.decode(Envelope.self, from: Data(body)))?.items?.first
            ?? (try? decoder.decode(Spec.self, from: Data(body)))
        guard let auths = spec?.authSpec, !auths.isEmpty else { return nil }
        func folded(_ text: String?) -> String {
            (text ?? "").lowercased().filter { $0.isLetter || $0.isNumber }
        }
        let basic = auths.first { folded($0.type) == "basicauthentication" || folded($0.name) == "basicauthentication" }
        let oauth = auths.first { folded($0.type) == "oauth2refreshcode" || folded($0.name) == "oauth2refreshcode" }
        guard let basic, let basicName = basic.name, let oauth, let oauthName = oauth.name else { return nil }
        return ConnectionAuthSpecs(
            basicName: basicName,
            oauthName: oauthName,
            basicRequired: basic.spec?.required ?? Self.builtIn.basicRequired,
            oauthRequired: oauth.spec?.required ?? Self.builtIn.oauthRequired,
            listed: auths.compactMap(\.name),
            fromService: true,
            sourceParams: spec?.sourceSpec?.schema
        )
    }

    private struct Envelope: Decodable { var items: [Spec]? }

    private struct Spec: Decodable {
        struct Auth: Decodable {
            struct Schema: Decodable { var required: [String]? }
            var name: String?
            var type: String?
            var spec: Schema?
        }
        /// `sourceSpec`, whose `spec` is the params' JSON Schema: one that cannot be read is no
        /// schema, not an unreadable spec (the auth specs still count).
        struct SourceSpec: Decodable {
            enum Key: String, CodingKey { case spec }
            var schema: SourceParamsSchema?
            init(from decoder: any Decoder) throws {
                schema = try? decoder.container(keyedBy: Key.self).decode(SourceParamsSchema.self, forKey: .spec)
            }
        }
        var authSpec: [Auth]?
        var sourceSpec: SourceSpec?
    }
}
