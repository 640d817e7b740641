import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// Spreadsheets as Excel, Google Sheets and Numbers save them, as the built binary meets them:
/// Excel's `sep=` line, a title above the header, Google's trailing empty columns, workbooks and JSON.
@Suite("Spreadsheets as they are saved, as a built binary against the mock", .serialized, .timeLimit(.minutes(10)))
struct SpreadsheetExportTests {
    @Test("Excel's 'sep=;' first line sets the delimiter and is skipped; the header is row 1, as Excel shows it")
    func excelSeparatorLine() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "excel.csv",
                "sep=;\r\nname;host;username;password\r\nOrders;https://orders.example.com;u;pw-1-S3CRET\r\n"
                    + "Stock;https://stock.example.com;u;\r\n"
            )
            let validate = try await CommandLineTool.run(["validate", input], environment: harness.environment)
            #expect(validate.status == 1, "\(validate.allOutput)")
            // Row 3 as Excel numbers it (the header is row 1 there): the sep line is not a row.
            #expect(validate.stdout.contains("row 3: password: empty; password is required"), "\(validate.stdout)")
            #expect(validate.stderr.contains("note: the first line 'sep=' (Excel's) sets the delimiter to ';'"))
            let result = try await harness.run(input)
            #expect(result.status == 1, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("excel.results.csv"))
            #expect(results.map { $0["row"]! } == ["2", "3"])
            #expect(results.map { $0["status"]! } == ["created", "invalid"])
            #expect(harness.mock.connections(sandbox: nil).map(\.name) == ["Orders"])
            #expect(!result.allOutput.contains("S3CRET"))
        }
    }

    /// A title, a blank row, then the header at row 3: as a person lays out a sheet to be read.
    private static let titled =
        "Q4 REST onboarding,,,\n,,,\nname,host,username,password\nOrders,https://orders.example.com,u,pw-1-S3CRET\n"
        + "Stock,https://stock.example.com,u,\n"

    @Test("a title row above the header: the error says which --header-row to pass, and --header-row 3 reads it")
    func titleRowAboveTheHeader() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write("titled.csv", Self.titled)
            for mode in [["validate", input], harness.runArguments(input)] {
                let refused = try await CommandLineTool.run(mode, environment: harness.environment)
                #expect(refused.status == 65, "\(refused.allOutput)")
                #expect(refused.stderr.contains("but row 3 has one: if that is the header, pass --header-row 3"))
            }
            #expect(harness.mock.stats().requests.isEmpty)
            let validate = try await CommandLineTool.run(
                ["validate", input, "--header-row", "3"],
                environment: harness.environment
            )
            #expect(validate.status == 1, "\(validate.allOutput)")
            // Row numbers stay the spreadsheet's.
            #expect(validate.stdout.contains("row 5: password: empty; password is required"), "\(validate.stdout)")
            let result = try await harness.run(input, ["--header-row", "3"])
            #expect(result.status == 1, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("titled.results.csv"))
            #expect(results.map { $0["row"]! } == ["4", "5"])
            #expect(results.map { $0["status"]! } == ["created", "invalid"])
        }
    }

    @Test("--header-row past the end or at a blank row is refused before anything is sent (exit 64)")
    func headerRowMistakes() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write("titled.csv", Self.titled)
            let past = try await CommandLineTool.run(["validate", input, "--header-row", "9"])
            #expect(past.status == 64, "\(past.allOutput)")
            #expect(past.stderr.contains("--header-row 9: the file ends at row 5"), "\(past.stderr)")
            let blank = try await harness.run(input, ["--header-row", "2"])
            #expect(blank.status == 64, "\(blank.allOutput)")
            #expect(blank.stderr.contains("--header-row 2: that row is blank"), "\(blank.stderr)")
            let zero = try await CommandLineTool.run(["validate", input, "--header-row", "0"])
            #expect(zero.status == 64, "\(zero.allOutput)")
            #expect(harness.mock.stats().requests.isEmpty)
        }
    }

    @Test("Google Sheets' trailing empty columns are dropped; an unnamed column with values is still carried")
    func trailingEmptyColumns() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "sheets.csv",
                "name,host,username,password,,,\nOrders,https://orders.example.com,u,pw-1-S3CRET,,,\n"
                    + "Stock,https://stock.example.com,u,pw-2-S3CRET,,kept,\n"
            )
            let result = try await harness.run(input)
            #expect(result.status == 0, "\(result.allOutput)")
            let text = try String(contentsOfFile: harness.directory.file("sheets.results.csv"), encoding: .utf8)
            let header = try #require(SimpleCSV.rows(text).first)
            // Column 6 holds a value: it stays; columns 5 and 7 hold none and are gone.
            #expect(header.filter { $0.isEmpty || $0.hasPrefix("input_") } == [""], "\(header)")
            let results = try harness.results(harness.directory.file("sheets.results.csv"))
            #expect(results.map { $0[""] } == ["", "kept"])
            #expect(result.stderr.contains("column 6 (no header)"), "\(result.stderr)")
            #expect(!result.stderr.contains("column 5"), "\(result.stderr)")
            #expect(!result.stderr.contains("column 7"), "\(result.stderr)")
        }
    }

    @Test(
        "a Numbers document and a JSON file are named as what they are, in run, --dry-run and validate",
        arguments: [
            (
                "sources.numbers",
                [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 22) + [12, 0, 0, 0]
                    + Array("Index/Document.iwa".utf8),
                "this is a Numbers document, not a CSV file; in Numbers choose File > Export To > CSV"
            ),
            (
                "sources.csv", Array("[\n  {\"name\": \"Orders\", \"host\": \"https://o.example.com\"}\n]\n".utf8),
                "this is a JSON file, not a CSV file"
            ),
            (
                "config.json", Array("{\"org_id\": \"X@AdobeOrg\", \"client_id\": \"c\"}".utf8),
                "a credentials file goes to --config"
            ),
        ] as [(String, [UInt8], String)]
    )
    func notCSV(name: String, bytes: [UInt8], message: String) async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(name, bytes: bytes)
            for mode in [["validate", input], harness.runArguments(input), harness.runArguments(input, ["--dry-run"])] {
                let result = try await CommandLineTool.run(mode, environment: harness.environment)
                #expect(result.status == 65, "\(mode): \(result.allOutput)")
                #expect(result.stderr.contains(message), "\(mode): \(result.stderr)")
                #expect(!result.stderr.contains("no 'name' column"), "\(result.stderr)")
            }
            #expect(harness.mock.stats().requests.isEmpty)
        }
    }

    @Test("a Numbers package folder is named as a Numbers document")
    func numbersPackage() async throws {
        let directory = try TemporaryDirectory()
        let package = directory.file("Sources.numbers")
        try FileManager.default.createDirectory(atPath: package, withIntermediateDirectories: true)
        let result = try await CommandLineTool.run(["validate", package])
        #expect(result.status == 65, "\(result.allOutput)")
        #expect(result.stderr.contains("this is a Numbers document"), "\(result.stderr)")
    }

    @Test("every problem of a row is reported: an unknown auth does not hide a missing host")
    func everyProblemOfARow() async throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("in.csv", "name,auth,host,username,password\nOrders,token,,u,pw-S3CRET\n")
        let result = try await CommandLineTool.run(["validate", input])
        #expect(result.status == 1, "\(result.allOutput)")
        #expect(result.stdout.contains("row 2: auth: 'token' is not an auth type"), "\(result.stdout)")
        #expect(result.stdout.contains("row 2: host: empty; host is required"), "\(result.stdout)")
        #expect(result.stdout.contains("(2 problems)"), "\(result.stdout)")
    }
}
