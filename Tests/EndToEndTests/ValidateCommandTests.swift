import FlowBatchTestSupport
import Testing

@Suite("flowbatch validate, run as a built binary", .timeLimit(.minutes(10)))
struct ValidateCommandTests {
    @Test("mistakes.csv names every broken row by its spreadsheet row number, then counts")
    func mistakes() async throws {
        let result = try await CommandLineTool.run(["validate", Repository.sample("mistakes.csv")])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "row 2: host: empty; host is required",
                "row 3: password: empty; password is required",
                "row 4: host: 'crm.example.com/api' is not an absolute http(s) URL; write it as https://host/...",
                "row 5: expirationDate: '31/03/2027' is not a date; write YYYY-MM-DD, e.g. 2027-03-31",
                "row 6: expirationDate: '2027-02-30' is not a date; write YYYY-MM-DD, e.g. 2027-03-31",
                "row 7: auth: 'token' is not an auth type: write basic or oauth2",
                "row 8: auth: both basic (username, password) and OAuth 2 (accessToken) cells are filled; set auth to basic or oauth2",
                "row 9: auth: no credentials: fill username and password (basic) or accessToken (oauth2)",
                "row 12: sandbox: 'Prod' is not a sandbox name: sandbox names are lowercase letters, digits and hyphens (write 'prod')",
                "row 13: host: the URL holds a user name or password; put them in the username and password columns",
                "row 14: name: empty; name is required",
                "row 15: accessToken: empty; accessToken is required",
                "row 16: csv: the row has 10 values but the header has 9 columns; a value holding the delimiter must be in quotes",
                "row 18: name: a quote inside a value that is not in quotes; put the whole value in quotes and double the quote (\"ab\"\"c\")",
                "row 11: name: the same name is already used by row 10 in the same sandbox",
                // The warnings: row 19's trimmed name, and three OAuth rows without a refresh token.
                "17 rows checked: 2 valid, 15 invalid (15 problems, 4 warnings)",
            ]
        )
        #expect(result.stderr.contains("warning: row 19: name: spaces around the value were removed"))
        #expect(result.stderr.contains("note: not sent, carried into the results as they are: 'note'"))
        for secret in ["example-password-", "example-access-token-", "secret@"] {
            #expect(!result.allOutput.contains(secret))
        }
    }

    @Test("valid samples exit 0", arguments: ["basic.csv", "oauth2.csv", "mixed.csv"])
    func validSamples(_ sample: String) async throws {
        let result = try await CommandLineTool.run(["validate", Repository.sample(sample)])
        #expect(result.status == 0, "\(result.allOutput)")
        // oauth2.csv's "Web Analytics" has no refresh token: a warning, and still valid.
        let count = try #require(result.stdout.split(separator: "\n").last)
        #expect(count.contains(" valid, 0 invalid"), "\(count)")
    }

    @Test("a missing or unreadable file exits 66")
    func missingFile() async throws {
        let directory = try TemporaryDirectory()
        let missing = try await CommandLineTool.run(["validate", directory.file("nope.csv")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.csv: no such file"))
        let folder = try await CommandLineTool.run(["validate", directory.path])
        #expect(folder.status == 66)
    }

    @Test(
        "a file that is not a usable CSV exits 65 and says what to fix",
        arguments: [
            ("", "the file is empty"),
            ("\n\n", "the file is empty"),
            ("host,username\nhttps://a.example.com,u\n", "no 'name' column"),
            (
                "name;host\nA;https://a.example.com\n",
                "the header 'name;host' reads as one column: it holds ';' but no ','; pass --delimiter ';'"
            ),
            ("name,Name\n", "columns 'name' and 'Name' both give name"),
            ("na\"me,host\n", "the header row cannot be read"),
        ]
    )
    func unusableFile(_ content: String, _ message: String) async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("in.csv", content)
        let result = try await CommandLineTool.run(["validate", path])
        #expect(result.status == 65)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a UTF-16 file exits 65 and names the --encoding that reads it")
    func utf16() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("in.csv", bytes: [0xFF, 0xFE] + Array("name\n".utf8).flatMap { [$0, 0] })
        let result = try await CommandLineTool.run(["validate", path])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains(
                "the file is UTF-16 (it begins with a byte-order mark), not what it is read as; save it as \"CSV UTF-8\" or pass --encoding utf-16"
            )
        )
    }

    @Test(
        "bad options exit 64 before the file is read",
        arguments: [
            ["--delimiter", "|"], ["--column", "Header"], ["--column", "Header=colour"], ["--limit", "0"],
        ]
    )
    func badOptions(_ options: [String]) async throws {
        let result = try await CommandLineTool.run(["validate", "/nonexistent.csv"] + options)
        #expect(result.status == 64, "\(result.allOutput)")
    }

    @Test("--column naming a header the file lacks exits 64")
    func overrideOfMissingHeader() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("in.csv", "Connection,host\n")
        let result = try await CommandLineTool.run(["validate", path, "--column", "Title=name"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--column 'Title=name': the file has no such column"))
    }

    @Test("semicolon files read with --delimiter, and --column maps headers")
    func delimiterAndColumns() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "in.csv",
            "Connection;Server;User;Pwd\nA;https://a.example.com;u;p\n"
        )
        let result = try await CommandLineTool.run([
            "validate", path, "--delimiter", ";", "--column", "Connection=name", "--column", "Server=host",
            "--column", "User=username", "--column", "Pwd=password",
        ])
        #expect(result.status == 0, "\(result.allOutput)")
        #expect(result.stdout == "1 row checked: 1 valid, 0 invalid\n")
    }

    @Test("secrets of invalid rows never appear in the output")
    func secretsNeverPrinted() async throws {
        let directory = try TemporaryDirectory()
        let secrets = ["pw-S3CRET-a", "tok-S3CRET-b", "cs-S3CRET-c", "rt-S3CRET-d"]
        let path = try directory.write(
            "in.csv",
            """
            name,host,auth,password,accessToken,clientSecret,refreshToken,expirationDate
            A,nohost,basic, \(secrets[0]),\(secrets[1]),\(secrets[2]),\(secrets[3]),bad
            B,https://b.example.com,,,"\(secrets[1])","\(secrets[2])x",,2020-01-01
            "C\(secrets[0])",https://c.example.com,oauth2,,"\(secrets[1])",,,

            """
        )
        let result = try await CommandLineTool.run(["validate", path])
        #expect(result.status == 1)
        for secret in secrets.dropFirst() { #expect(!result.allOutput.contains(secret), "\(secret) leaked") }
        // The name column is not secret: a name that merely contains a secret-looking text is shown.
        #expect(!result.allOutput.contains(" \(secrets[0])"))
    }
}
