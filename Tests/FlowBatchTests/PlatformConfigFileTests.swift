import FlowBatchTestSupport
import Foundation
import Testing

@testable import FlowBatch
@testable import FlowBatchModel
@testable import FlowServiceAPI

#if canImport(Glibc)
import Glibc
#endif

@Suite("Config files as Adobe and aepp hand them out", .timeLimit(.minutes(2)))
struct PlatformConfigFileTests {
    /// One aepp config and what must be read from it.
    struct AeppCase: Sendable, CustomTestStringConvertible {
        var label: String
        var json: String
        var clientID: String
        var clientIDKey: String
        var secretKey: String
        var scopes: String?
        var sandbox: String?
        var environment: String?

        var testDescription: String { label }
    }

    static let aeppCases: [AeppCase] = [
        AeppCase(
            label: "aepp's own template, scopes as a string with spaces",
            json: #"""
                {"org_id": "O@AdobeOrg", "client_id": "cid", "secret": "s3cret", "scopes": "openid, AdobeID ,session",
                 "sandbox-name": "prod", "environment": "prod"}
                """#,
            clientID: "cid",
            clientIDKey: "client_id",
            secretKey: "secret",
            scopes: "openid,AdobeID,session",
            sandbox: "prod",
            environment: "prod"
        ),
        AeppCase(
            label: "keys in upper case, client_secrets as a list, scopes as a list",
            json: #"""
                {"ORG_ID": "O@AdobeOrg", "CLIENT_ID": "cid", "CLIENT_SECRETS": ["s3cret", "older"],
                 "SCOPES": ["openid", "AdobeID"], "Sandbox-Name": "dev", "ENVIRONMENT": "Stage"}
                """#,
            clientID: "cid",
            clientIDKey: "CLIENT_ID",
            secretKey: "CLIENT_SECRETS[0]",
            scopes: "openid,AdobeID",
            sandbox: "dev",
            environment: "stage"
        ),
        AeppCase(
            label: "api_key, aepp's old name for the client ID, and client_secret",
            json: #"{"org_id": "O@AdobeOrg", "api_key": "cid", "client_secret": "s3cret", "environment": "int"}"#,
            clientID: "cid",
            clientIDKey: "api_key",
            secretKey: "client_secret",
            environment: "int"
        ),
        AeppCase(
            label: "secret wins over client_secrets; empty values count as missing",
            json:
                #"{"org_id": "O@AdobeOrg", "Client_Id": "cid", "Secret": "s3cret", "client_secrets": ["other"], "scopes": "", "sandbox-name": " "}"#,
            clientID: "cid",
            clientIDKey: "Client_Id",
            secretKey: "Secret"
        ),
    ]

    @Test("aepp configs are read as aepp reads them", arguments: aeppCases)
    func aepp(_ example: AeppCase) throws {
        let file = try PlatformConfigFile.parse(Data(example.json.utf8), path: "./aepp.json", chosenClientID: nil)
        #expect(file.kind == .aepp)
        #expect(file.orgID?.value == "O@AdobeOrg")
        #expect(file.clientID == PlatformConfigFile.Entry(value: example.clientID, key: example.clientIDKey))
        #expect(file.clientSecret == PlatformConfigFile.Entry(value: Secret("s3cret"), key: example.secretKey))
        #expect(file.scopes?.value == example.scopes)
        #expect(file.sandbox?.value == example.sandbox)
        #expect(file.environment?.value == example.environment)
    }

    @Test("the Developer Console's project JSON: the OAuth Server-to-Server credential, scopes joined with commas")
    func project() throws {
        let path = Repository.root + "/Tests/EndToEndTests/Resources/developer-console-project.json"
        let file = try PlatformConfigFile.read(path: path, chosenClientID: nil)
        #expect(file.kind == .project)
        #expect(
            file.orgID
                == PlatformConfigFile.Entry(value: "A1B2C3D4E5F6A7B8C9D0E1F2@AdobeOrg", key: "project.org.ims_org_id")
        )
        let credential = "project.workspace.details.credentials[1].oauth_server_to_server"
        #expect(
            file.clientID
                == PlatformConfigFile.Entry(value: "5f1e2d3c4b5a69788796a5b4c3d2e1f0", key: credential + ".client_id")
        )
        #expect(file.clientSecret?.key == credential + ".client_secrets[0]")
        #expect(file.clientSecret?.value == Secret("p8e-FIXTURE-S3CRET-dGhpcyBpcyBub3QgcmVhbA"))
        #expect(
            file.scopes?.value == "openid,AdobeID,read_organizations,additional_info.projectedProductContext,session"
        )
        #expect(file.sandbox == nil)
        #expect(file.environment == nil)
    }

    static func project(credentials: [String]) -> Data {
        Data(
            #"{"project": {"org": {"ims_org_id": "O@AdobeOrg"}, "workspace": {"details": {"credentials": [\#(credentials.joined(separator: ","))]}}}}"#
                .utf8
        )
    }

    static func serverToServer(_ name: String, _ clientID: String) -> String {
        #"{"name": "\#(name)", "integration_type": "oauth_server_to_server", "oauth_server_to_server": {"client_id": "\#(clientID)", "client_secrets": ["secret-of-\#(clientID)"], "scopes": ["openid"]}}"#
    }

    @Test(
        "a project with several OAuth Server-to-Server credentials is refused with their names, unless AEP_CLIENT_ID chooses"
    )
    func severalCredentials() throws {
        let data = Self.project(credentials: [
            Self.serverToServer("First", "id-1"), Self.serverToServer("Second", "id-2"),
        ])
        do {
            _ = try PlatformConfigFile.parse(data, path: "./console.json", chosenClientID: nil)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.contains("./console.json holds 2 OAuth Server-to-Server credentials"))
            #expect(error.description.contains("'First' (client ID id-1), 'Second' (client ID id-2)"))
            #expect(error.description.contains("set AEP_CLIENT_ID to the client ID of the one to use"))
            #expect(!error.description.contains("secret-of"))
        }
        let chosen = try PlatformConfigFile.parse(data, path: "./console.json", chosenClientID: "id-2")
        #expect(chosen.clientID?.value == "id-2")
        #expect(chosen.clientSecret?.value == Secret("secret-of-id-2"))
        #expect(
            chosen.clientSecret?.key
                == "project.workspace.details.credentials[1].oauth_server_to_server.client_secrets[0]"
        )
        #expect(throws: ConfigurationError.self) {
            try PlatformConfigFile.parse(data, path: "./console.json", chosenClientID: "id-3")
        }
    }

    @Test(
        "a file that cannot be used says which file and which key, never a value",
        arguments: [
            (#"{"secret": "v-S3CRET", "#, "./c.json is not valid JSON"),
            (#"["v-S3CRET"]"#, "./c.json is not a JSON object"),
            (#"{"secret": "v-S3CRET", "SECRET": "w-S3CRET"}"#, "has both `SECRET` and `secret`: keep one"),
            (#"{"secret": "v-S3CRET", "client_id": 42}"#, "`client_id` in the config file ./c.json is not a string"),
            (
                #"{"secret": "v-S3CRET", "scopes": {"a": 1}}"#,
                "`scopes` in the config file ./c.json is not a comma-separated string"
            ),
            (
                #"{"client_secrets": "v-S3CRET"}"#,
                "`client_secrets` in the config file ./c.json is not a list of strings"
            ),
            (#"{"secret": "v-S3CRET", "environment": "stage/../x"}"#, "is not an environment name"),
            (
                #"{"project": {"workspace": {"details": {"credentials": [{"name": "Key", "integration_type": "apikey", "api_key": {"client_id": "c"}}]}}}}"#,
                "without an OAuth Server-to-Server credential (project.workspace.details.credentials holds 'Key' (apikey))"
            ),
        ]
    )
    func unusable(_ json: String, _ message: String) {
        do {
            _ = try PlatformConfigFile.parse(Data(json.utf8), path: "./c.json", chosenClientID: nil)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(!error.description.contains("S3CRET"))
        }
    }

    // MARK: Resolving with a config file

    private func resolve(
        _ json: String,
        flags: PlatformSettingsResolver.Flags = PlatformSettingsResolver.Flags(),
        _ environment: [String: String] = [:]
    ) throws -> (PlatformSettingsResolver.Resolved, String) {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config.json", json)
        chmod(path, 0o600)
        var flags = flags
        flags.configPath = path
        return (try PlatformSettingsResolver(flags: flags, environment: environment).resolve(), path)
    }

    @Test(
        "a non-production environment goes to its gateway and the staging IMS, as aepp maps it",
        arguments: ["stage", "dev", "int", "qa2"]
    )
    func environmentHosts(_ name: String) throws {
        let (resolved, path) = try resolve(
            #"{"org_id": "O@AdobeOrg", "client_id": "c", "secret": "s", "environment": "\#(name)"}"#
        )
        let settings = try #require(resolved.settings)
        #expect(settings.endpoint == "https://platform-\(name).adobe.io/data/foundation/flowservice")
        #expect(settings.imsURL == "https://ims-na1-stg1.adobelogin.com")
        let implied = SettingSource.configEnvironment(path: path, key: "environment", value: name)
        #expect(settings.sources.endpoint == implied)
        #expect(settings.sources.imsURL == implied)
        #expect(
            resolved.notes.contains {
                $0.contains(
                    "IMS at https://ims-na1-stg1.adobelogin.com (from `environment: \(name)` in the config file \(path))"
                )
            }
        )
    }

    @Test(
        "an explicit --endpoint or AEP_IMS_URL still wins over the environment; prod and no environment are Adobe's production hosts"
    )
    func explicitURLsWin() throws {
        var flags = PlatformSettingsResolver.Flags()
        flags.endpoint = "https://gateway.example.com/flowservice"
        let (resolved, _) = try resolve(
            #"{"org_id": "O@AdobeOrg", "client_id": "c", "secret": "s", "environment": "dev"}"#,
            flags: flags,
            ["AEP_IMS_URL": "https://ims.example.com"]
        )
        #expect(resolved.settings?.endpoint == "https://gateway.example.com/flowservice")
        #expect(resolved.settings?.imsURL == "https://ims.example.com")
        #expect(resolved.settings?.sources.endpoint == .flag("--endpoint"))
        #expect(resolved.settings?.sources.imsURL == .environment("AEP_IMS_URL"))
        for json in [
            #"{"org_id": "O@AdobeOrg", "client_id": "c", "secret": "s", "environment": "PROD"}"#,
            #"{"org_id": "O@AdobeOrg", "client_id": "c", "secret": "s"}"#,
        ] {
            let (production, _) = try resolve(json)
            #expect(production.settings?.endpoint == GenericRESTSpec.productionEndpoint)
            #expect(production.settings?.imsURL == GenericRESTSpec.productionIMS)
            #expect(production.notes.isEmpty)
        }
        #expect(throws: ConfigurationError.self) {
            try resolve(#"{"org_id": "O@AdobeOrg", "client_id": "c", "secret": "s", "environment": "support"}"#)
        }
    }

    @Test(
        "each setting keeps its source; an environment variable that overrides the file says so, never showing a secret"
    )
    func sourcesAndOverrides() throws {
        let json =
            #"{"ORG_ID": "FILE@AdobeOrg", "CLIENT_ID": "file-id", "CLIENT_SECRETS": ["file-S3CRET"], "SCOPES": ["openid"]}"#
        let (fromFile, path) = try resolve(json)
        let settings = try #require(fromFile.settings)
        #expect(settings.sources.clientSecret == .configFile(path: path, key: "CLIENT_SECRETS[0]"))
        #expect(settings.sources.clientID == .configFile(path: path, key: "CLIENT_ID"))
        #expect(settings.sources.apiKey == .configFile(path: path, key: "CLIENT_ID"))
        #expect(settings.sources.orgID == .configFile(path: path, key: "ORG_ID"))
        #expect(settings.sources.scopes == .configFile(path: path, key: "SCOPES"))
        #expect(fromFile.notes.isEmpty)

        let (overridden, overriddenPath) = try resolve(
            json,
            ["AEP_CLIENT_SECRET": "env-S3CRET", "AEP_ORG_ID": "ENV@AdobeOrg", "AEP_CLIENT_ID": "file-id"]
        )
        #expect(overridden.settings?.sources.clientSecret == .environment("AEP_CLIENT_SECRET"))
        #expect(overridden.settings?.orgID == "ENV@AdobeOrg")
        let notes = overridden.notes.joined(separator: "\n")
        #expect(notes.contains("AEP_CLIENT_SECRET overrides `CLIENT_SECRETS[0]` of the config file \(overriddenPath)"))
        let orgNote =
            "AEP_ORG_ID (ENV@AdobeOrg) overrides `ORG_ID` (FILE@AdobeOrg) of the config file \(overriddenPath)"
        #expect(notes.contains(orgNote))
        #expect(!notes.contains("AEP_CLIENT_ID"), "the same value overrides nothing")
        #expect(!notes.contains("S3CRET"))
    }

    @Test("a missing setting names the config file and every key looked for")
    func missingNamesTheFile() throws {
        let (noSecret, path) = try resolve(#"{"org_id": "O@AdobeOrg", "client_id": "c"}"#)
        #expect(noSecret.settings == nil)
        #expect(
            noSecret.missing
                == "no client secret: AEP_CLIENT_SECRET is not set and the config file \(path) has none (looked for `secret`, `client_secret`, `client_secrets`)"
        )
        let (noOrg, orgPath) = try resolve(#"{"client_id": "c", "secret": "s"}"#)
        #expect(
            noOrg.missing?.contains(
                "--org-id and AEP_ORG_ID are not set and the config file \(orgPath) has none (looked for `org_id`)"
            ) == true
        )
        let (noClient, clientPath) = try resolve(
            #"{"project": {"org": {"ims_org_id": "O@AdobeOrg"}, "workspace": {"details": {"credentials": [{"name": "S2S", "integration_type": "oauth_server_to_server", "oauth_server_to_server": {"client_secrets": ["s"]}}]}}}}"#
        )
        #expect(
            noClient.missing?.contains(
                "no client ID: AEP_CLIENT_ID is not set and the config file \(clientPath) has none"
            ) == true
        )
    }

    @Test(
        "an answer that is not IMS's is described without being quoted",
        arguments: [
            (404, "<html><body>Not Found</body></html>", "HTTP 404 with an HTML page"),
            (404, #"{"error_code": "404", "message": "no route"}"#, "HTTP 404 with a JSON answer that is not IMS's"),
            (200, #"{"token_type": "bearer"}"#, "HTTP 200 with a JSON answer without an access_token"),
            (200, "", "HTTP 200 with an empty answer"),
            (302, "moved", "HTTP 302, a redirect (not followed) with an answer that is not JSON"),
        ]
    )
    func notIMSDescribed(_ status: Int, _ body: String, _ expected: String) {
        #expect(IMSClient.describe(status: status, body: Array(body.utf8)) == expected)
    }

    @Test("only an OAuth error code blames the credentials; another server's error field does not")
    func oauthErrorCodes() {
        for code in ["invalid_client", "invalid_scope", "unauthorized_client", "unsupported_grant_type"] {
            #expect(IMSClient.isOAuthErrorCode(code), "\(code)")
        }
        for code in ["Not Found", "", "404", "NotFound", "internal error"] {
            #expect(!IMSClient.isOAuthErrorCode(code), "\(code)")
        }
    }
}
