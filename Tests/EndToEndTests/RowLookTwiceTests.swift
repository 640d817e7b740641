import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// Rows a person should look at twice, and rows exported to be filled in: what the built binary
/// warns about in validate, --dry-run and run, and what `run --if-exists update` does with them.
@Suite("Rows to look at twice, as a built binary against the mock", .serialized, .timeLimit(.minutes(10)))
struct RowLookTwiceTests {
    @Test("names that differ only in case, spacing or Unicode form are near-duplicates in validate, --dry-run and run")
    func nearDuplicateNames() async throws {
        try await MockHarness.with { harness in
            let names = ["Orders API", "orders api ", "Orders  API", "Orders\u{00A0}API", "Ｏｒｄｅｒｓ API", "Stock API"]
            var text = "name,host,username,password\n"
            for (index, name) in names.enumerated() {
                text += "\(name),https://h\(index).example.com,u,pw-\(index)-S3CRET\n"
            }
            let input = try harness.directory.write("in.csv", text)
            let validate = try await CommandLineTool.run(["validate", input], environment: harness.environment)
            #expect(validate.status == 0, "\(validate.allOutput)")
            for row in 3...6 {
                #expect(
                    validate.stderr.contains(
                        "warning: row \(row): name: differs from the name of row 2 only in case, spacing or Unicode form"
                    ),
                    "row \(row): \(validate.stderr)"
                )
            }
            #expect(!validate.stderr.contains("row 7: name: differs"), "\(validate.stderr)")
            let plan = try await harness.run(input, ["--dry-run"])
            #expect(plan.stderr.contains("warning: row 5: name: differs from the name of row 2"), "\(plan.stderr)")
            let run = try await harness.run(input)
            #expect(run.status == 0, "\(run.allOutput)")
            #expect(run.stderr.contains("warning: row 6: name: differs from the name of row 2"), "\(run.stderr)")
            // The service allows them: a warning, not a refusal.
            #expect(harness.mock.connections(sandbox: nil).count == 6)
        }
    }

    @Test(
        "http://, localhost, a private or loopback address and a host without a dot each get a warning, in validate and run"
    )
    func hostsToLookAtTwice() async throws {
        try await MockHarness.with { harness in
            let hosts = [
                "http://plain.example.com", "https://localhost:8443/api", "https://10.1.2.3/", "https://127.0.0.1",
                "https://[::1]:8080", "https://intranet/api", "https://api.example.com",
            ]
            var text = "name,host,username,password\n"
            for (index, host) in hosts.enumerated() { text += "Row \(index),\(host),u,pw-\(index)-S3CRET\n" }
            let input = try harness.directory.write("in.csv", text)
            let expected = [
                "row 2: host: http:// sends the credentials in clear text",
                "row 3: host: 'localhost' is the service's own machine",
                "row 4: host: 10.1.2.3 is a private address",
                "row 5: host: 127.0.0.1 is a loopback address",
                "row 6: host: ::1 is a loopback address",
                "row 7: host: 'intranet' has no domain (no dot)",
            ]
            let validate = try await CommandLineTool.run(["validate", input], environment: harness.environment)
            #expect(validate.status == 0, "\(validate.allOutput)")
            let run = try await harness.run(input)
            #expect(run.status == 0, "\(run.allOutput)")
            for output in [validate.stderr, run.stderr] {
                for line in expected { #expect(output.contains("warning: " + line), "\(line): \(output)") }
                #expect(!output.contains("row 8:"), "\(output)")
            }
        }
    }

    @Test("an OAuth row without a refresh token is warned about; 'OAuth 2.0', 'oauth' and 'Basic' are read")
    func oauthWithoutRefreshTokenAndAuthSpellings() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,auth,host,username,password,accessToken,refreshToken\n"
                    + "A,OAuth 2.0,https://a.example.com,,,at-1-S3CRET,\n"
                    + "B,oauth,https://b.example.com,,,at-2-S3CRET,rt-2-S3CRET\n"
                    + "C,Basic,https://c.example.com,u,pw-3-S3CRET,,\n"
            )
            let validate = try await CommandLineTool.run(["validate", input], environment: harness.environment)
            #expect(validate.status == 0, "\(validate.allOutput)")
            #expect(
                validate.stderr.contains(
                    "warning: row 2: refreshToken: empty: the connection stops working when its access token expires"
                ),
                "\(validate.stderr)"
            )
            #expect(!validate.stderr.contains("row 3: refreshToken"), "\(validate.stderr)")
            let run = try await harness.run(input)
            #expect(run.status == 0, "\(run.allOutput)")
            #expect(run.stderr.contains("warning: row 2: refreshToken: empty"), "\(run.stderr)")
            let specs = Dictionary(
                uniqueKeysWithValues: harness.mock.connections(sandbox: nil).map { ($0.name, $0.specName) }
            )
            #expect(specs["C"] == "Basic Authentication", "\(specs)")
            #expect(specs["A"] != "Basic Authentication" && specs["B"] != "Basic Authentication", "\(specs)")
            #expect(!run.allOutput.contains("S3CRET"))
        }
    }

    @Test(
        "export, fill in 3 passwords, run --if-exists update: 3 updated, the rest unchanged with a note, a changed description patched"
    )
    func exportFillInUpdate() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,description,host,username,password\n"
                    + (0..<10).map { "Row \($0),first,https://h\($0).example.com,u\($0),pw-\($0)-S3CRET" }
                    .joined(separator: "\n") + "\n"
            )
            #expect(try await harness.run(input).status == 0)
            let exported = harness.directory.file("export.csv")
            let export = try await CommandLineTool.run(
                [
                    "export", "--out", exported, "--endpoint", harness.mock.flowServiceURL, "--ims-url",
                    harness.mock.baseURL,
                ],
                environment: harness.environment
            )
            #expect(export.status == 0, "\(export.allOutput)")
            // A person fills in three passwords, edits one description, and leaves the rest as exported.
            var rows = SimpleCSV.rows(try String(contentsOfFile: exported, encoding: .utf8))
            let header = rows[0]
            let password = try #require(header.firstIndex(of: "password"))
            let description = try #require(header.firstIndex(of: "description"))
            let name = try #require(header.firstIndex(of: "name"))
            for index in rows.indices.dropFirst() {
                let row = rows[index][name]
                if ["Row 1", "Row 4", "Row 7"].contains(row) { rows[index][password] = "new-\(row)-S3CRET" }
                if row == "Row 9" { rows[index][description] = "second" }
            }
            let filled = try harness.directory.write(
                "filled.csv",
                rows.map { $0.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: ",") }
                    .joined(separator: "\n") + "\n"
            )
            let update = try await harness.run(filled, ["--if-exists", "update"])
            #expect(update.status == 0, "\(update.allOutput)")
            let results = try harness.results(harness.directory.file("filled.results.csv"))
            let statuses = Dictionary(uniqueKeysWithValues: results.map { ($0["name"]!, $0["status"]!) })
            for row in ["Row 1", "Row 4", "Row 7", "Row 9"] {
                #expect(statuses[row] == "updated", "\(row): \(results)")
            }
            for row in ["Row 0", "Row 2", "Row 3", "Row 5", "Row 6", "Row 8"] {
                #expect(statuses[row] == "unchanged", "\(row): \(results)")
            }
            #expect(!statuses.values.contains("invalid"))
            let kept = try #require(results.first { $0["name"] == "Row 0" })
            #expect(kept["error_code"] == "secrets-kept", "\(kept)")
            #expect(update.stdout.contains("  updated   4\n"), "\(update.stdout)")
            let mock = Dictionary(uniqueKeysWithValues: harness.mock.connections(sandbox: nil).map { ($0.name, $0) })
            #expect(mock["Row 9"]?.description == "second")
            // The three new passwords were sent; no other row's credentials were touched.
            #expect(harness.mock.stats().count("PATCH /connections/{id}", status: "200") == 4)
            #expect(!update.allOutput.contains("S3CRET"))
        }
    }

    @Test(
        "a row with every secret empty whose name no connection has is invalid under --if-exists update, and not sent"
    )
    func keptSecretsWithoutAConnection() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password\nNew,https://n.example.com,u,\n"
            )
            let result = try await harness.run(input, ["--if-exists", "update"])
            #expect(result.status == 1, "\(result.allOutput)")
            let row = try #require(try harness.results(harness.directory.file("in.results.csv")).first)
            #expect(row["status"] == "invalid")
            #expect(row["error"]?.contains("password is required to create the connection") == true, "\(row)")
            #expect(harness.mock.stats().total("POST /connections") == 0)
        }
    }
}
