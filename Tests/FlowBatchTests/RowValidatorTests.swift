import Foundation
import Testing

@testable import FlowBatch
@testable import FlowBatchIngest
@testable import FlowBatchModel

/// Checks one row given as header → value, written as CSV (every value quoted) and read back
/// through the real reader and mapping; `extraValues` appends unnamed values to the row.
func validate(
    _ values: [String: String],
    validator: RowValidator = RowValidator(defaultSandbox: "prod", today: "2026-11-29"),
    extraValues: Int = 0
) throws -> RowValidator.Result {
    var header = values.keys.sorted()
    if !header.contains("name") { header.append("name") }
    func quoted(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    let line = (header.map { quoted(values[$0] ?? "") } + Array(repeating: "x", count: extraValues)).joined(
        separator: ","
    )
    let text = header.joined(separator: ",") + "\n" + line + "\n"
    var cursor = try InputCursor(records: CSVReader(bytes: Array(text.utf8)), path: "test.csv")
    return try #require(try cursor.nextRow { validator.validate($0) })
}

let basicRow = ["name": "Acme", "host": "https://api.example.com", "username": "u", "password": "p"]
let oauthRow = ["name": "Acme", "host": "https://api.example.com", "accessToken": "tok"]

func codes(_ result: RowValidator.Result) -> [String] {
    result.problems.map { "\($0.field):\($0.code.rawValue)" }
}

@Suite("Row validation", .timeLimit(.minutes(2)))
struct RowValidatorTests {
    @Test("a complete basic row becomes a basic request in the default sandbox")
    func basic() throws {
        let result = try validate(basicRow)
        #expect(result.problems.isEmpty)
        #expect(
            result.request
                == ConnectionRequest(
                    row: 2,
                    name: "Acme",
                    description: nil,
                    sandbox: "prod",
                    credentials: .basic(.init(host: "https://api.example.com", username: "u", password: Secret("p")))
                )
        )
    }

    @Test("a complete OAuth 2 row becomes an OAuth 2 request with its optional values")
    func oauth() throws {
        var values = oauthRow
        values["refreshToken"] = "r"
        values["expirationDate"] = "2027-03-31T10:00:00Z"
        values["clientId"] = "cid"
        values["accessTokenUrl"] = "https://auth.example.com/token"
        let result = try validate(values)
        #expect(result.problems.isEmpty)
        guard case .oauth2RefreshCode(let oauth) = result.request?.credentials else {
            Issue.record("expected OAuth 2 credentials")
            return
        }
        #expect(oauth.expirationDate == "2027-03-31")
        #expect(oauth.refreshToken == Secret("r"))
        #expect(oauth.clientId == "cid")
        #expect(oauth.clientSecret == nil)
    }

    @Test(
        "auth is inferred from the filled-in credential cells",
        arguments: [
            (["username": "u", "password": "p"], AuthKind.basic),
            (["accessToken": "t"], AuthKind.oauth2),
            (["accessToken": "t", "clientSecret": "s"], AuthKind.oauth2),
        ]
    )
    func inferredAuth(_ credentials: [String: String], _ kind: AuthKind) throws {
        let result = try validate(credentials.merging(["name": "A", "host": "https://h.example.com"]) { $1 })
        #expect(result.request?.credentials.kind == kind)
    }

    @Test("auth accepts the spec names and any case", arguments: ["Basic", "basic authentication", "BASIC"])
    func authSpellings(_ written: String) throws {
        #expect(try validate(basicRow.merging(["auth": written]) { $1 }).request?.credentials.kind == .basic)
    }

    @Test("every problem of a row is reported, not just the first")
    func allProblems() throws {
        let result = try validate([
            "name": "", "auth": "basic", "host": "ftp://x", "username": "", "password": "",
            "sandbox": "Prod",
        ])
        #expect(
            codes(result) == [
                "name:missing-field", "sandbox:invalid-sandbox", "host:invalid-url", "username:missing-field",
                "password:missing-field",
            ]
        )
        #expect(result.problems[1].message.contains("write 'prod'"))
    }

    @Test("required fields per auth type")
    func requiredFields() throws {
        #expect(
            codes(try validate(["name": "A", "auth": "basic", "host": "https://h.example.com", "username": "u"]))
                == ["password:missing-field"]
        )
        #expect(
            codes(try validate(["name": "A", "auth": "oauth2", "host": "https://h.example.com"]))
                == ["accessToken:missing-field"]
        )
        #expect(codes(try validate(["name": "A", "auth": "oauth2", "accessToken": "t"])) == ["host:missing-field"])
    }

    @Test("both kinds of credentials without auth, or none, are refused")
    func ambiguousAuth() throws {
        #expect(codes(try validate(basicRow.merging(["accessToken": "t"]) { $1 })) == ["auth:conflicting-auth"])
        #expect(codes(try validate(["name": "A", "host": "https://h.example.com"])) == ["auth:no-credentials"])
        #expect(codes(try validate(basicRow.merging(["auth": "token"]) { $1 })) == ["auth:invalid-auth"])
    }

    @Test("cells of the other auth type are ignored with a warning")
    func ignoredCells() throws {
        let result = try validate(basicRow.merging(["auth": "basic", "refreshToken": "r"]) { $1 })
        #expect(result.problems.isEmpty)
        #expect(result.warnings.map(\.description) == ["refreshToken: ignored: the row's auth is basic"])
    }

    @Test(
        "URLs must be absolute http(s) URLs with a host and no credentials",
        arguments: [
            ("api.example.com", false), ("https://api.example.com", true), ("HTTP://api.example.com:8080/x?y=1", true),
            ("https://", false), ("https:///path", false), ("ftp://api.example.com", false),
            ("https://user:pw@api.example.com", false), ("ftp://user:pw@api.example.com", false),
            ("https://api.example.com:99999", false),
            ("https://api example.com", false), ("https://[::1]:8443/x", true), ("https://bücher.example/", true),
        ]
    )
    func urls(_ url: String, _ valid: Bool) throws {
        let result = try validate(basicRow.merging(["host": url]) { $1 })
        #expect(result.problems.isEmpty == valid, "\(url): \(result.problems)")
    }

    @Test(
        "expiration dates must be real dates",
        arguments: [
            ("2027-03-31", "2027-03-31"), ("2028-02-29", "2028-02-29"), ("2027-02-29", nil), ("2100-02-29", nil),
            ("2000-02-29", "2000-02-29"), ("31/03/2027", nil), ("2027-13-01", nil), ("2027-04-31", nil),
            ("2027-03-31T23:59:59Z", "2027-03-31"), ("2027-03-31T23:59:59.123+02:00", "2027-03-31"),
            ("2027-03-31 08:00", "2027-03-31"), ("2027-03-31T25:00:00Z", nil), ("2027-03-31junk", nil),
        ] as [(String, String?)]
    )
    func dates(_ written: String, _ sent: String?) throws {
        let result = try validate(oauthRow.merging(["expirationDate": written]) { $1 })
        guard case .oauth2RefreshCode(let oauth) = result.request?.credentials else {
            #expect(sent == nil, "\(written) should be valid")
            #expect(codes(result) == ["expirationDate:invalid-date"])
            return
        }
        #expect(oauth.expirationDate == sent)
    }

    @Test("an expiration date in the past is a warning, not a problem")
    func pastDate() throws {
        // With a refresh token: a row without one is warned about too (it stops working once the token expires).
        let result = try validate(
            oauthRow.merging(["expirationDate": "2020-01-01", "refreshToken": "rt-S3CRET"]) { $1 }
        )
        #expect(result.request != nil)
        #expect(result.warnings.map(\.field) == ["expirationDate"])
    }

    @Test("non-secret values are trimmed with a warning; secrets are sent exactly as written")
    func trimming() throws {
        let result = try validate([
            "name": "  Acme  ", "host": " https://api.example.com ", "username": " u", "password": " p a ",
        ])
        guard case .basic(let basic) = result.request?.credentials else {
            Issue.record("expected a basic request: \(result.problems)")
            return
        }
        #expect(result.request?.name == "Acme")
        #expect(basic.host == "https://api.example.com")
        #expect(basic.username == " u")
        #expect(basic.password.revealed == " p a ")
        #expect(result.warnings.map(\.field).sorted() == ["host", "name", "password", "username"])
        #expect(!result.warnings.contains { $0.message.contains(" p a ") })
    }

    @Test("lengths are bounded", arguments: [Field.name, .host, .password, .description])
    func lengths(_ field: Field) throws {
        var value = String(repeating: "a", count: field.maxLength + 1)
        if field == .host { value = "https://" + value }
        let result = try validate(basicRow.merging([field.rawValue: value]) { $1 })
        #expect(codes(result).contains("\(field.rawValue):too-long"))
    }

    @Test("control characters are refused in names, line breaks allowed")
    func controlCharacters() throws {
        #expect(codes(try validate(basicRow.merging(["name": "A\u{7}B"]) { $1 })) == ["name:invalid-character"])
        #expect(try validate(basicRow.merging(["name": "Line\nbreak"]) { $1 }).request?.name == "Line\nbreak")
    }

    @Test("a row with more values than the header has columns is refused")
    func tooManyValues() throws {
        let result = try validate(basicRow, extraValues: 2)
        #expect(codes(result) == ["csv:too-many-values"])
    }

    @Test("a row libcsv could not read names the column where it broke")
    func csvProblemNamesTheColumn() throws {
        var cursor = try InputCursor(records: CSVReader(bytes: Array("name,password\nA,ab\"c\n".utf8)), path: "t")
        let result = try #require(try cursor.nextRow { RowValidator().validate($0) })
        #expect(codes(result) == ["password:malformed-csv"])
        // None of its values is used, not even the name before the broken one.
        #expect(result.name == "")
    }

    @Test("a URL holding a password is refused without echoing it")
    func urlWithPasswordIsNotEchoed() throws {
        let urls = [
            "https://u:pw-SECRET@h.example.com", "ftp://u:pw-SECRET@h.example.com", "u:pw-SECRET@h.example.com",
            // A mistyped scheme hides where the authority ends.
            "https:/u:pw-SECRET@h.example.com", "http//u:pw-SECRET@h.example.com/x", "https:u:pw-SECRET@h/",
            "https://h.example.com:pw-SECRET@/x", "https://[::1:pw-SECRET@x/",
        ]
        for url in urls {
            let result = try validate(basicRow.merging(["host": url]) { $1 })
            #expect(codes(result) == ["host:invalid-url"])
            #expect(!result.problems[0].message.contains("pw-SECRET"))
        }
    }

    @Test("no problem or warning message ever holds a secret value")
    func secretsNeverInMessages() throws {
        let secrets = ["pw-SECRET-1", "tok-SECRET-2", "cs-SECRET-3", "rt-SECRET-4"]
        let result = try validate([
            "name": "A", "host": "https://h.example.com", "auth": "basic", "password": " \(secrets[0])",
            "accessToken": secrets[1], "clientSecret": secrets[2], "refreshToken": secrets[3],
        ])
        let text =
            (result.problems + result.warnings).map(\.description).joined(separator: "\n")
            + String(describing: result.request as Any)
        for secret in secrets { #expect(!text.contains(secret)) }
    }
}

@Suite("URL check", .timeLimit(.minutes(2)))
struct URLCheckTests {
    static let cases: [(url: String, reason: String?)] = [
        ("https://api.example.com/v1", nil), ("http://h:8080/x?y#z", nil), ("HTTPS://H.example.com", nil),
        ("https://[::1]:443/p", nil), ("https://[::1]/p", nil), ("https://h.example.com/{x}|^", nil),
        ("https://h:65535", nil), ("https://h.example.com/a b", "spaces"), ("https://h.example.com/a\u{7F}", "spaces"),
        ("https://h.exa mple.com", "spaces"), ("https://h\u{1}.com", "spaces"), ("ftp://h", "not an absolute"),
        ("h.example.com", "not an absolute"), ("https://", "no host"), ("https://:80/", "no host"),
        ("https://h{x}.com", "cannot hold"), ("https://h|x", "cannot hold"), ("https://h\\x/", "cannot hold"),
        ("https://h`x", "cannot hold"), ("https://h:0", "invalid port"), ("https://h:65536", "invalid port"),
        ("https://h:8a/", "invalid port"), ("https://h:", "invalid port"), ("https://[::1", "broken IPv6"),
        ("https://[::1]x", "broken IPv6"), ("https://u@h", "user name or password"),
    ]

    @Test("an absolute http(s) URL with a host is accepted; any other names why", arguments: cases)
    func reasons(_ url: String, _ reason: String?) {
        let problem = URLCheck.problem(with: url)
        if let reason {
            #expect(problem?.contains(reason) == true, "\(url.debugDescription): \(problem ?? "accepted")")
        } else {
            #expect(problem == nil, "\(url.debugDescription)")
        }
    }
}

@Suite("Byte scanning", .timeLimit(.minutes(2)))
struct ByteTextTests {
    @Test("the eight-bytes-at-a-time scan agrees with a byte-by-byte one on controls and non-ASCII bytes")
    func controlScan() {
        var generator = SeededGenerator(seed: 42)
        let alphabet: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<5000 {
            let length = Int.random(in: 0..<40, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }
            if length > 0, Bool.random(using: &generator) {
                bytes[Int.random(in: 0..<length, using: &generator)] = alphabet.randomElement(using: &generator)!
            }
            let naive = bytes.contains { $0 < 0x20 || $0 == 0x7F }
            let naiveNonASCII = bytes.contains { $0 >= 0x80 }
            bytes.withUnsafeBufferPointer { buffer in
                #expect(ByteText.hasControl(buffer) == naive, "\(bytes)")
                let scan = ByteText.scan(buffer)
                #expect(scan.control == naive && scan.nonASCII == naiveNonASCII, "\(bytes)")
            }
        }
    }

    @Test("trimming removes spaces, tabs, line breaks, no-break spaces and byte-order marks at either end only")
    func trimming() {
        func trimmed(_ text: String) -> String {
            Array(text.utf8).withUnsafeBufferPointer { String(decoding: ByteText.trimmed($0), as: UTF8.self) }
        }
        #expect(trimmed("  a b \t") == "a b")
        #expect(trimmed("\u{A0}\u{FEFF}x\u{A0}") == "x")
        #expect(trimmed("\r\n") == "")
        #expect(trimmed("é ") == "é")
        #expect(trimmed("\u{00E0}") == "\u{00E0}")
    }
}
