import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// The input's front door, as the built binary meets it: ragged rows, secret-looking columns,
/// encodings and files that are not CSV at all.
@Suite("The input's front door, as a built binary against the mock", .serialized, .timeLimit(.minutes(10)))
struct InputFrontDoorTests {
    /// The three ways in: `run`, `run --dry-run` and `validate`.
    private static let modes: [[String]] = [[], ["--dry-run"], ["validate"]]

    private func invoke(
        _ harness: MockHarness,
        _ input: String,
        _ mode: [String],
        _ extra: [String]
    ) async throws -> ToolResult {
        if mode == ["validate"] {
            return try await CommandLineTool.run(["validate", input] + extra, environment: harness.environment)
        }
        return try await harness.run(input, mode + extra)
    }

    /// Every file in the harness's folder but the config folder: the inputs, and whatever a run wrote.
    private func files(_ harness: MockHarness) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: harness.directory.path).filter { $0 != "config" })
    }

    /// Checks that `input` is refused whole in every mode: exit 65, `message` said, nothing sent, nothing written.
    private func expectRefused(
        _ harness: MockHarness,
        _ input: String,
        _ extra: [String] = [],
        saying messages: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try files(harness)
        for mode in Self.modes {
            let result = try await invoke(harness, input, mode, extra)
            #expect(result.status == 65, "\(mode): \(result.allOutput)", sourceLocation: sourceLocation)
            for message in messages {
                #expect(result.stderr.contains(message), "\(mode): \(result.stderr)", sourceLocation: sourceLocation)
            }
            #expect(!result.allOutput.contains("S3CRET"), sourceLocation: sourceLocation)
        }
        #expect(
            harness.mock.stats().requests.isEmpty,
            "\(harness.mock.stats().requests)",
            sourceLocation: sourceLocation
        )
        #expect(try files(harness) == before, "a refused file left files behind", sourceLocation: sourceLocation)
    }

    @Test(
        "mistakes.csv runs its 2 valid rows; the ragged row 16 is invalid with its counts, in run, --dry-run and validate"
    )
    func raggedRowDoesNotStopTheRun() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "mistakes.csv",
                String(contentsOfFile: Repository.sample("mistakes.csv"), encoding: .utf8)
            )
            let reason =
                "the row has 10 values but the header has 9 columns; a value holding the delimiter must be in quotes"
            for mode in [["--dry-run"], ["validate"]] {
                let result = try await invoke(harness, input, mode, [])
                #expect(result.status == 1, "\(mode): \(result.allOutput)")
                #expect(result.stdout.contains(reason), "\(mode): \(result.stdout)")
                #expect(!result.allOutput.contains("'basic'"))
            }
            let result = try await harness.run(input)
            #expect(result.status == 1, "\(result.allOutput)")
            #expect(!result.allOutput.contains("does not exist"))
            let results = try harness.results(harness.directory.file("mistakes.results.csv"))
            harness.expectExactlyOnce(results, rows: 17)
            #expect(results.filter { $0["status"] == "created" }.map { $0["row"]! } == ["10", "19"])
            let ragged = try #require(results.first { $0["row"] == "16" })
            #expect(ragged["status"] == "invalid")
            #expect(ragged["error_code"] == "too-many-values")
            #expect(ragged["error"] == "csv: " + reason)
            // None of its values is used: not its name, not its shifted cells.
            #expect(ragged["name"] == "" && ragged["note"] == "")
            #expect(harness.mock.stats().connections == 2)
        }
    }

    @Test("a row with fewer values than the header is invalid too")
    func shortRow() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,sandbox,host,username,password\nShort,staging,https://a.example.com\nFull,,https://b.example.com,u,pw-S3CRET\n"
            )
            let result = try await harness.run(input)
            #expect(result.status == 1, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["status"]! } == ["invalid", "created"])
            #expect(
                results[0]["error"]
                    == "csv: the row has 3 values but the header has 5 columns; every row needs one value (which may be empty) per column"
            )
            #expect(results[0]["error_code"] == "too-few-values")
            #expect(harness.mock.connections(sandbox: "staging").isEmpty)
        }
    }

    /// `text` in Windows-1252 (every character of it is in Latin-1 here).
    private static func windows1252(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { UInt8($0.value) }
    }

    @Test("a Windows-1252 file is refused whole before anything is sent, then read right with --encoding windows-1252")
    func windows1252File() async throws {
        try await MockHarness.with { harness in
            let text =
                "name,auth,host,username,password,Owner\nPlain,basic,https://a.example.com,u,pw-1-S3CRET,Ann\n"
                + "Café Zoë,basic,https://b.example.com,u,pw-2-S3CRET,Renée\n"
            let input = try harness.directory.write("excel.csv", bytes: Self.windows1252(text))
            try await expectRefused(
                harness,
                input,
                saying: [
                    "excel.csv: row 3 is not valid UTF-8; the file looks like Windows-1252 or Latin-1",
                    "save it as \"CSV UTF-8\" or pass --encoding windows-1252",
                ]
            )
            let result = try await harness.run(input, ["--encoding", "windows-1252"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(Set(harness.mock.connections(sandbox: nil).map(\.name)) == ["Plain", "Café Zoë"])
            let results = try harness.results(harness.directory.file("excel.results.csv"))
            #expect(results.map { $0["name"]! } == ["Plain", "Café Zoë"])
            #expect(results.map { $0["Owner"]! } == ["Ann", "Renée"])
        }
    }

    /// `text` as UTF-16 little-endian with a byte-order mark, as Excel's "Unicode Text" writes it.
    private static func utf16(_ text: String) -> [UInt8] {
        ([0xFEFF] + Array(text.utf16)).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    @Test("a UTF-16 \"Unicode Text\" file is refused, then read with --encoding utf-16 and --delimiter tab")
    func utf16File() async throws {
        try await MockHarness.with { harness in
            let text =
                "name\tauth\thost\tusername\tpassword\r\nÉclair 😀\tbasic\thttps://a.example.com\tu\tpw-1-S3CRET\r\n"
            let input = try harness.directory.write("unicode.txt", bytes: Self.utf16(text))
            try await expectRefused(
                harness,
                input,
                saying: ["the file is UTF-16 (it begins with a byte-order mark)", "--encoding utf-16"]
            )
            try await expectRefused(harness, input, ["--encoding", "utf-16"], saying: ["pass --delimiter tab"])
            let result = try await harness.run(input, ["--encoding", "utf-16", "--delimiter", "tab"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(harness.mock.connections(sandbox: nil).map(\.name) == ["Éclair 😀"])
            #expect(
                try harness.results(harness.directory.file("unicode.txt.results.csv")).map { $0["name"] } == [
                    "Éclair 😀"
                ]
            )
        }
    }

    @Test("a UTF-16 file without a byte-order mark is recognised too")
    func utf16WithoutMark() async throws {
        try await MockHarness.with { harness in
            let text = "name,auth,host,username,password\nÉclair,basic,https://a.example.com,u,pw-1-S3CRET\n"
            let input = try harness.directory.write("in.csv", bytes: Array(Self.utf16(text).dropFirst(2)))
            try await expectRefused(harness, input, saying: ["the file is UTF-16 (without a byte-order mark)"])
            let result = try await harness.run(input, ["--encoding", "utf-16"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(harness.mock.connections(sandbox: nil).map(\.name) == ["Éclair"])
        }
    }

    @Test("an .xlsx or .xls passed by mistake is named a workbook")
    func workbooks() async throws {
        try await MockHarness.with { harness in
            let xlsx = try harness.directory.write(
                "sources.xlsx",
                bytes: [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]
                    + Array("[Content_Types].xml\"".utf8)
            )
            try await expectRefused(
                harness,
                xlsx,
                saying: [
                    "this is an .xlsx or .ods workbook (a ZIP archive), not a CSV file", "export it as \"CSV UTF-8\"",
                ]
            )
            let xls = try harness.directory.write(
                "sources.xls",
                bytes: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00]
            )
            try await expectRefused(harness, xls, saying: ["this is an .xls workbook"])
        }
    }

    @Test("a header with ';' and no ',' suggests --delimiter ';'")
    func semicolonFile() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name;host;username;password\nA;https://a.example.com;u;pw-S3CRET\n"
            )
            try await expectRefused(harness, input, saying: ["it holds ';' but no ','; pass --delimiter ';'"])
            let result = try await harness.run(input, ["--delimiter", ";"])
            #expect(result.status == 0, "\(result.allOutput)")
        }
    }

    /// Secret-looking headers, each with a value that must not reach the results.
    private static let secretHeaders = [
        "Pass", "PW", "Passwort", "Kennwort", "Passphrase", "PIN", "Private Key", "Client Key", "Bearer",
        "Mot de passe",
        "Contraseña", "Senha", "API key", "Secret", "Credential", "Certificate", "Token",
    ]

    private func writeSecretsInput(_ harness: MockHarness) throws -> String {
        let headers = ["name", "host", "username", "password", "Owner", "Keyword"] + Self.secretHeaders
        var text = headers.joined(separator: ",") + "\n"
        for row in 0..<2 {
            let values =
                ["Row \(row)", "https://h\(row).example.com", "u", "pw-\(row)-S3CRET", "owner-\(row)", "kw-\(row)"]
                + Self.secretHeaders.indices.map { "col\($0)-\(row)-S3CRET" }
            text += values.joined(separator: ",") + "\n"
        }
        return try harness.directory.write("secrets.csv", text)
    }

    @Test("every secret-looking column is withheld from the results and listed in the start note")
    func secretColumnsAreWithheld() async throws {
        try await MockHarness.with { harness in
            let input = try writeSecretsInput(harness)
            let result = try await harness.run(input)
            #expect(result.status == 0, "\(result.allOutput)")
            let file = try harness.directory.read("secrets.results.csv")
            #expect(!file.contains("S3CRET"), "\(file)")
            let results = try harness.results(harness.directory.file("secrets.results.csv"))
            #expect(results.map { $0["Owner"] } == ["owner-0", "owner-1"])
            #expect(results.map { $0["Keyword"] } == ["kw-0", "kw-1"])
            #expect(result.stderr.contains("note: not sent, carried into the results as they are: 'Owner', 'Keyword';"))
            let withheld = Self.secretHeaders.map { "'\($0)'" }.joined(separator: ", ")
            #expect(result.stderr.contains("(--carry COLUMN carries one): " + withheld), "\(result.stderr)")
            #expect(!result.allOutput.contains("S3CRET"))
        }
    }

    @Test("--carry brings a withheld column back and --no-carry withholds an ordinary one")
    func carryOptions() async throws {
        try await MockHarness.with { harness in
            let input = try writeSecretsInput(harness)
            let result = try await harness.run(input, ["--carry", "PIN", "--no-carry", "Owner"])
            #expect(result.status == 0, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("secrets.results.csv"))
            let pin = Self.secretHeaders.firstIndex(of: "PIN")!
            #expect(results.map { $0["PIN"] } == ["col\(pin)-0-S3CRET", "col\(pin)-1-S3CRET"])
            #expect(results.allSatisfy { $0["Owner"] == nil })
            let file = try harness.directory.read("secrets.results.csv")
            #expect(!file.contains("owner-0"))
            #expect(file.components(separatedBy: "S3CRET").count - 1 == 2, "only the carried PIN values: \(file)")
        }
    }

    @Test(
        "--carry or --no-carry naming no column is a usage error before anything is sent",
        arguments: [["--carry", "Nope"], ["--no-carry", "Nope"]]
    )
    func unknownCarry(_ option: [String]) async throws {
        try await MockHarness.with { harness in
            let input = try writeSecretsInput(harness)
            let before = try files(harness)
            for mode in Self.modes {
                let result = try await invoke(harness, input, mode, option)
                #expect(result.status == 64, "\(mode): \(result.allOutput)")
                #expect(result.stderr.contains("\(option[0]) 'Nope': the file has no such column"), "\(result.stderr)")
            }
            #expect(harness.mock.stats().requests.isEmpty)
            #expect(try files(harness) == before)
        }
    }

    @Test("a row missing its password while a secret-looking column is there says which --column to add")
    func hintForMissingPassword() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,auth,host,username,Pass\nA,basic,https://a.example.com,u,pw-S3CRET\n"
            )
            let hint = "password: empty; password is required (if column 'Pass' holds it, add --column 'Pass=password')"
            let checked = try await CommandLineTool.run(["validate", input])
            #expect(checked.status == 1)
            #expect(checked.stdout.contains("row 2: " + hint), "\(checked.stdout)")
            let result = try await harness.run(input)
            #expect(result.status == 1)
            #expect(try harness.results(harness.directory.file("in.results.csv")).first?["error"] == hint)
            let fixed = try await harness.run(input, ["--column", "Pass=password", "--restart"])
            #expect(fixed.status == 0, "\(fixed.allOutput)")
            #expect(harness.mock.stats().connections == 1)
            #expect(!(try harness.directory.read("in.results.csv")).contains("S3CRET"))
        }
    }
}
