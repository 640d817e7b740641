import Testing

@testable import FlowBatch
@testable import FlowBatchIngest
@testable import FlowBatchModel

@Suite("Header mapping", .timeLimit(.minutes(2)))
struct ColumnMapTests {
    @Test(
        "headers match fields ignoring case, spaces, underscores and hyphens",
        arguments: [
            ("Client ID", Field.clientId), ("client_id", .clientId), ("clientId", .clientId), ("CLIENT-ID", .clientId),
            ("Access Token URL", .accessTokenUrl), ("expiration_date", .expirationDate), ("NAME", .name),
            ("Authorization Test URL", .authorizationTestUrl), (" host ", .host),
        ]
    )
    func normalisedHeaders(_ header: String, _ field: Field) throws {
        let map = try ColumnMap(header: ["name", header].filter { $0 != "name" || header.lowercased() != "name" })
        #expect(map.fieldColumns[field] != nil)
    }

    @Test("unknown columns are kept as extras, in file order, and listed once in a note with a hint")
    func extrasAndNote() throws {
        let map = try ColumnMap(header: ["Owner", "name", "Auth Type", "", "host"])
        #expect(map.extraColumns == [0, 2, 3])
        #expect(map.extraHeaders == ["Owner", "Auth Type", ""])
        #expect(
            map.unmappedNote
                == "not sent, carried into the results as they are: 'Owner', 'Auth Type' (to send it as auth: --column 'Auth Type=auth'), column 4 (no header)"
        )
    }

    @Test("--column maps a header to a field, and wins over a header that merely looks alike")
    func overrides() throws {
        let map = try ColumnMap(
            header: ["Connection", "Name", "Pwd"],
            overrides: [try ColumnOverride(parsing: "Connection=name"), try ColumnOverride(parsing: "Pwd=password")]
        )
        #expect(map.fieldColumns[.name] == 0)
        #expect(map.fieldColumns[.password] == 2)
        #expect(map.extraColumns == [1])
    }

    @Test("a column whose header names a secret field is never carried into the results, even when displaced")
    func secretLookingColumnsAreWithheld() throws {
        let map = try ColumnMap(
            header: ["name", "Pwd", "Password", "Old Client Secret", "Owner"],
            overrides: [try ColumnOverride(parsing: "Pwd=password")]
        )
        #expect(map.fieldColumns[.password] == 1)
        #expect(map.extraColumns == [4])
        #expect(map.extraHeaders == ["Owner"])
        #expect(map.withheldColumns == [2, 3])
        #expect(
            map.unmappedNote
                == "not sent, carried into the results as they are: 'Owner'; not sent and withheld from the results, as their headers look like secrets (--carry COLUMN carries one): 'Password', 'Old Client Secret' (to send it as clientSecret: --column 'Old Client Secret=clientSecret')"
        )
    }

    @Test(
        "headers that say their column holds a secret are withheld; others are carried",
        arguments: [
            ("Token", true), ("Old Password", true), ("PWD 2", true), ("api_key", true), ("Credentials", true),
            ("Client Secret (old)", true), ("Owner", false), ("Auth Type", false), ("Ticket", false), ("Notes", false),
        ]
    )
    func secretWordsInHeaders(_ header: String, _ withheld: Bool) throws {
        let map = try ColumnMap(header: ["name", header])
        #expect(map.withheldColumns == (withheld ? [1] : []))
        #expect(map.extraColumns == (withheld ? [] : [1]))
    }

    @Test("an override header may itself contain '='")
    func overrideWithEquals() throws {
        let override = try ColumnOverride(parsing: "a=b=client_secret")
        #expect(override.header == "a=b")
        #expect(override.field == .clientSecret)
    }

    @Test("a file without a name column is refused with the headers it has")
    func noNameColumn() {
        #expect(throws: InputError(.noNameColumn(headers: ["host", "user"]))) {
            try ColumnMap(header: ["host", "user"])
        }
    }

    @Test("two columns giving the same field are refused")
    func fieldTwice() {
        #expect(throws: InputError(.fieldGivenTwice(field: .host, first: "host", second: "Host"))) {
            try ColumnMap(header: ["name", "host", "Host"])
        }
    }

    @Test("bad --column options are usage errors", arguments: ["nofield", "=name", "Header=colour"])
    func badOverride(_ text: String) {
        #expect(throws: InputError(.badOverride(text))) { try ColumnOverride(parsing: text) }
        #expect(InputError(.badOverride(text)).exitStatus.rawValue == 64)
    }

    @Test("--column naming a header the file lacks is a usage error")
    func overrideOfMissingHeader() {
        let error = InputError(.unknownOverrideHeader(override: "Conn=name", headers: ["a"]))
        #expect(throws: error) {
            try ColumnMap(header: ["a"], overrides: [try ColumnOverride(parsing: "Conn=name")])
        }
        #expect(error.exitStatus.rawValue == 64)
    }
}
