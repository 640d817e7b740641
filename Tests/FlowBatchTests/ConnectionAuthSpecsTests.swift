import Testing

@testable import FlowBatch
@testable import FlowBatchModel
@testable import FlowServiceAPI

@Suite("reading the auth spec names from the service's connection spec", .timeLimit(.minutes(1)))
struct ConnectionAuthSpecsTests {
    static let adobeShaped = """
        {"items": [{"id": "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62", "name": "generic-rest-extension", "authSpec": [
          {"name": "Basic Authentication", "type": "BasicAuthentication",
           "spec": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                    "properties": {"host": {"type": "string"}, "username": {"type": "string"}, "password": {"type": "string", "format": "password"}},
                    "required": ["host", "username", "password"]}},
          {"name": "oAuth2RefreshCode", "type": "OAuth2RefreshCode",
           "spec": {"type": "object", "properties": {"host": {}, "accessToken": {}, "refreshToken": {}},
                    "required": ["host", "accessToken", "refreshToken"]}}
        ]}]}
        """

    @Test("the names and required params come from the spec's authSpec list")
    func readsTheService() throws {
        let specs = try #require(ConnectionAuthSpecs.read(from: Array(Self.adobeShaped.utf8)))
        #expect(specs.basicName == "Basic Authentication")
        #expect(specs.oauthName == "oAuth2RefreshCode")
        #expect(specs.oauthRequired == ["host", "accessToken", "refreshToken"])
        #expect(specs.listed == ["Basic Authentication", "oAuth2RefreshCode"])
    }

    @Test("a spec listing both OAuth spellings gives the first one it lists")
    func bothSpellings() throws {
        let body = """
            {"authSpec": [{"name": "OAuth2 Refresh Code", "type": "OAuth2RefreshCode"},
                          {"name": "oAuth2RefreshCode", "type": "OAuth2RefreshCode"},
                          {"name": "Basic Authentication", "type": "BasicAuthentication"}]}
            """
        let specs = try #require(ConnectionAuthSpecs.read(from: Array(body.utf8)))
        #expect(specs.oauthName == "OAuth2 Refresh Code")
        #expect(specs.basicRequired == ConnectionAuthSpecs.builtIn.basicRequired)
    }

    @Test(
        "an answer without both auth specs is not a spec",
        arguments: ["{}", "{\"items\": []}", "[1]", "{\"authSpec\": [{\"name\": \"Basic Authentication\"}]}"]
    )
    func notASpec(body: String) {
        #expect(ConnectionAuthSpecs.read(from: Array(body.utf8)) == nil)
    }

    @Test("a row without a param the service's spec requires has a problem naming it and the spec")
    func requiredParams() throws {
        let specs = try #require(ConnectionAuthSpecs.read(from: Array(Self.adobeShaped.utf8)))
        let request = ConnectionRequest(
            row: 2,
            name: "A",
            description: nil,
            sandbox: "prod",
            credentials: .oauth2RefreshCode(.init(host: "https://a.example.com", accessToken: Secret("t")))
        )
        let problems = specs.problems(with: request)
        #expect(problems.map(\.field) == ["refreshToken"])
        #expect(
            problems.first?.description == "refreshToken: is required by the service's 'oAuth2RefreshCode' auth spec"
        )
    }

    @Test(
        "a listing's next href is followed as given, token untouched, and only on the endpoint",
        arguments: [
            ("/connections?continuationToken=a+b%2Bc==", "/connections?continuationToken=a+b%2Bc=="),
            ("connections?continuationToken=x", "/connections?continuationToken=x"),
            ("/data/foundation/flowservice/connections?continuationToken=x", "/connections?continuationToken=x"),
            (
                "https://platform.adobe.io/data/foundation/flowservice/connections?continuationToken=x",
                "/connections?continuationToken=x"
            ),
            ("https://evil.example.com/connections?continuationToken=x", nil),
            ("http://platform.adobe.io/data/foundation/flowservice/connections?continuationToken=x", nil),
        ] as [(String, String?)]
    )
    func nextHref(href: String, expected: String?) {
        #expect(FlowServiceClient.target(following: href, endpoint: GenericRESTSpec.productionEndpoint) == expected)
    }
}
