import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// The columns `flowbatch export` writes, as the contract gives them.
enum ConnectionExportColumns {
    static let all = [
        "name", "description", "sandbox", "auth", "host", "username", "password", "authorizationTestUrl", "clientId",
        "clientSecret", "accessToken", "refreshToken", "expirationDate", "accessTokenUrl", "connection_id", "etag",
        "created",
    ]
}

/// `flowbatch export` and `flowbatch check`, as built binaries against the mock.
@Suite("flowbatch export and check", .serialized, .timeLimit(.minutes(10)))
struct ExportAndCheckTests {
    func platformArguments(_ harness: MockHarness) -> [String] {
        ["--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL]
    }

    @Test(
        "export writes every generic REST connection of the sandboxes in the input format, page after page, with no secret"
    )
    func exportsWithoutSecrets() async throws {
        try await MockHarness.with { harness in
            // 250 rows: three listing pages of 100.
            let input = try harness.writeInput(rows: 250)
            let created = try await harness.run(input)
            #expect(created.status == 0, "\(created.allOutput)")
            _ = harness.mock.insertConnection(name: "In dev", sandbox: "dev", description: "made elsewhere")
            let out = harness.directory.file("export.csv")
            let result = try await CommandLineTool.run(
                ["export", "--sandbox", "prod", "--sandbox", "dev", "--out", out] + platformArguments(harness),
                environment: harness.environment
            )
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(result.stderr.contains("sandbox prod: 250 connections"), "\(result.stderr)")
            #expect(result.stderr.contains("sandbox dev: 1 connection"), "\(result.stderr)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(
                text.hasPrefix(
                    "name,description,sandbox,auth,host,username,password,authorizationTestUrl,clientId,clientSecret,accessToken,"
                        + "refreshToken,expirationDate,accessTokenUrl,connection_id,etag,created\n"
                )
            )
            let rows = SimpleCSV.records(text)
            #expect(rows.count == 251)
            let results = try harness.results(harness.directory.file("in.results.csv"))
            let idsByName = Dictionary(uniqueKeysWithValues: results.map { ($0["name"]!, $0["connection_id"]!) })
            for row in rows where row["sandbox"] == "prod" {
                #expect(row["connection_id"] == idsByName[row["name"]!], "\(row)")
                #expect(
                    row["password"] == "" && row["accessToken"] == "" && row["refreshToken"] == ""
                        && row["clientSecret"] == ""
                )
                #expect(row["created"]?.hasSuffix("Z") == true, "\(row)")
            }
            let basic = try #require(rows.first { $0["name"] == "Row 0" })
            #expect(basic["auth"] == "basic" && basic["host"] == "https://h0.example.com" && basic["username"] == "u0")
            let oauth = try #require(rows.first { $0["name"] == "Row 1" })
            #expect(oauth["auth"] == "oauth2" && oauth["host"] == "https://h1.example.com")
            #expect(rows.last?["name"] == "In dev" && rows.last?["description"] == "made elsewhere")
            for secret in MockHarness.secrets(rows: 250) {
                #expect(!text.contains(secret), "export holds \(secret)")
                #expect(!result.allOutput.contains(secret))
            }
            // Filled in with secrets, the file is valid input.
            let filledPath = try harness.directory.write("filled.csv", Self.filled(rows))
            let validate = try await CommandLineTool.run(["validate", filledPath], environment: [:])
            #expect(validate.status == 0, "\(validate.allOutput)")
            #expect(validate.stdout.contains("251 valid"), "\(validate.stdout)")
        }
    }

    /// An export with its secret columns filled in (a password for basic rows, a token for OAuth ones).
    static func filled(_ rows: [[String: String]], password: String = "new-pw-S3CRET") -> String {
        func quoted(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = [ConnectionExportColumns.all.joined(separator: ",")]
        for row in rows {
            var row = row
            if row["auth"] == "basic" { row["password"] = password } else { row["accessToken"] = "new-at-S3CRET" }
            lines.append(ConnectionExportColumns.all.map { quoted(row[$0] ?? "") }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("export to standard output; a sandbox that does not exist is left out with the service's answer (exit 1)")
    func exportToStdout() async throws {
        try await MockHarness.with { harness in
            _ = harness.mock.insertConnection(name: "=starts like a formula")
            let result = try await CommandLineTool.run(
                ["export", "--sandbox", "prod", "--sandbox", "nosuch"] + platformArguments(harness),
                environment: harness.environment
            )
            #expect(result.status == 1, "\(result.allOutput)")
            let rows = SimpleCSV.records(result.stdout)
            // Guarded as the results are, so that opening the file runs nothing; run reads it back exactly.
            #expect(rows.map { $0["name"] } == ["'=starts like a formula"])
            #expect(result.stderr.contains("sandbox nosuch was left out"), "\(result.stderr)")
            #expect(result.stderr.contains("FLOW-2100-404"), "\(result.stderr)")
        }
    }

    @Test("check prints where each setting came from, the auth spec names and each sandbox, and exits 0")
    func checkPasses() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,sandbox,host,username,password\nA,dev,https://a.example.com,u,p\nB,,https://b.example.com,u,p\n"
            )
            let result = try await CommandLineTool.run(
                ["check", "--input", input] + platformArguments(harness),
                environment: harness.environment
            )
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(
                result.stdout.contains("client: \(harness.mock.configuration.clientID) (from AEP_CLIENT_ID)"),
                "\(result.stdout)"
            )
            #expect(result.stdout.contains("secret from AEP_CLIENT_SECRET"))
            #expect(result.stdout.contains("IMS: \(harness.mock.baseURL) (from --ims-url)"))
            #expect(result.stdout.contains("token: OK"))
            #expect(result.stdout.contains("connection spec "))
            #expect(result.stdout.contains("sandbox dev: exists and can be listed"))
            #expect(result.stdout.contains("sandbox prod: exists and can be listed"))
            #expect(result.stdout.contains("check passed"))
            #expect(!result.allOutput.contains(MockHarness.clientSecret))
        }
    }

    @Test("check with a secret IMS refuses exits 64 naming where the secret came from; a missing sandbox exits 2")
    func checkFails() async throws {
        try await MockHarness.with { harness in
            var wrong = harness.environment
            wrong["AEP_CLIENT_SECRET"] = "wrong-S3CRET"
            let refused = try await CommandLineTool.run(["check"] + platformArguments(harness), environment: wrong)
            #expect(refused.status == 64, "\(refused.allOutput)")
            #expect(refused.stdout.contains("token: FAILED"), "\(refused.allOutput)")
            #expect(refused.allOutput.contains("AEP_CLIENT_SECRET"))
            #expect(!refused.allOutput.contains("wrong-S3CRET"))

            let missing = try await CommandLineTool.run(
                ["check", "--sandbox", "prod", "--sandbox", "nosuch"] + platformArguments(harness),
                environment: harness.environment
            )
            #expect(missing.status == 2, "\(missing.allOutput)")
            #expect(missing.stdout.contains("sandbox prod: exists"))
            #expect(missing.stdout.contains("sandbox nosuch: FAILED"), "\(missing.stdout)")
            #expect(missing.stdout.contains("FLOW-2100-404"))
            #expect(missing.stdout.contains("check failed"))
        }
    }
}
