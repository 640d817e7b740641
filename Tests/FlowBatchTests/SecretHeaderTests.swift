import Testing

@testable import FlowBatch
@testable import FlowBatchIngest
@testable import FlowBatchModel

@Suite("Secret-looking headers and --carry", .timeLimit(.minutes(1)))
struct SecretHeaderTests {
    @Test(
        "headers a person would read as holding a secret are withheld, in the languages spreadsheets are written in",
        arguments: [
            "Pass", "PW", "pwd", "Passwd", "Password", "Passwort", "Kennwort", "Benutzerkennwort", "Mot de passe",
            "mot_de_passe", "MDP", "Contraseña", "Senha", "Wachtwoord", "Lösenord", "Hasło", "Passcode", "Passphrase",
            "Pass Phrase", "PIN", "PIN-Code", "pinCode", "Token", "API token", "apitoken", "Bearer", "Secret",
            "clientsecret", "Client-Secret", "Key", "Private Key", "Client Key", "API key", "apiKey", "APIKey",
            "x-api-key", "Keys", "Credential", "Credentials", "Zugangsdaten", "Certificate", "Cert", "Clé API",
            "Schlüssel", "Password 2", "Old Password", "Refresh token 2", "Pass Word",
        ]
    )
    func secretHeaders(_ header: String) throws {
        #expect(SecretHeader.isSecret(header), "\(header)")
        let map = try ColumnMap(header: ["name", header])
        // A header that names a field (`Password`, `clientsecret`) is sent as that field instead.
        #expect(map.withheldColumns == (Field.matching(header: header) == nil ? [1] : []), "\(header)")
        #expect(map.extraColumns.isEmpty)
    }

    @Test(
        "headers that merely contain such a word are carried",
        arguments: [
            "Keyword", "Keywords", "Monkey", "Turkey", "Keyboard", "Compass", "Passenger", "Bypass", "Spin", "Pinned",
            "Pinterest URL", "Secretary", "Tokenized", "Passport Number", "Owner", "Notes", "Ticket", "Auth Type",
            "Cost Center", "Expires", "Region", "Username backup",
        ]
    )
    func ordinaryHeaders(_ header: String) throws {
        #expect(!SecretHeader.isSecret(header), "\(header)")
        let map = try ColumnMap(header: ["name", header])
        #expect(map.extraColumns == [1], "\(header)")
    }

    @Test("a header is split into words at punctuation, case changes and digits, accents folded")
    func words() {
        #expect(SecretHeader.words(of: "APIKey") == ["api", "key"])
        #expect(SecretHeader.words(of: "clientSecret2") == ["client", "secret", "2"])
        #expect(SecretHeader.words(of: "Mot de passe") == ["mot", "de", "passe"])
        #expect(SecretHeader.words(of: "Contraseña_Old") == ["contrasena", "old"])
        #expect(SecretHeader.words(of: "Straße") == ["strasse"])
    }

    @Test("--carry brings a secret-looking column back, --no-carry withholds an ordinary one; the note says which")
    func carryOptions() throws {
        let map = try ColumnMap(header: ["name", "PIN", "Owner", "Token"], carry: ["pin"], noCarry: ["Owner"])
        #expect(map.extraHeaders == ["PIN"])
        #expect(map.withheldColumns == [2, 3])
        #expect(
            map.unmappedNote
                == "not sent, carried into the results as they are: 'PIN'; not sent and withheld from the results, as their headers look like secrets (--carry COLUMN carries one): 'Owner' (--no-carry), 'Token'"
        )
    }

    @Test(
        "--carry and --no-carry that name no column, a sent column, or the same column are usage errors",
        arguments: [
            (["Nope"], [], "--carry 'Nope': the file has no such column"),
            ([], ["Nope"], "--no-carry 'Nope': the file has no such column"),
            (["password"], [], "--carry 'password': that column is sent as password"),
            (["PIN"], ["pin"], "column 'PIN' is named by both --carry and --no-carry"),
        ] as [([String], [String], String)]
    )
    func badCarryOptions(_ carry: [String], _ noCarry: [String], _ message: String) throws {
        let error = try #require(throws: InputError.self) {
            try ColumnMap(header: ["name", "password", "PIN"], carry: carry, noCarry: noCarry)
        }
        #expect(error.exitStatus.rawValue == 64)
        #expect(error.description.contains(message), "\(error)")
    }

    @Test("a row that misses a secret field while a withheld column may hold it says which --column to add")
    func hintForMissingSecret() throws {
        let basic = try validate([
            "name": "A", "auth": "basic", "host": "https://h.example.com", "username": "u", "PIN": "1", "Pass": "p",
        ])
        #expect(
            basic.problems.map(\.description) == [
                "password: empty; password is required (if column 'Pass' holds it, add --column 'Pass=password')"
            ]
        )
        let oauth = try validate([
            "name": "A", "auth": "oauth2", "host": "https://h.example.com", "Bearer": "t", "PW": "p",
        ])
        #expect(
            oauth.problems.map(\.description) == [
                "accessToken: empty; accessToken is required (if column 'Bearer' holds it, add --column 'Bearer=accessToken')"
            ]
        )
        let plain = try validate([
            "name": "A", "auth": "basic", "host": "https://h.example.com", "username": "u", "Owner": "o",
        ])
        #expect(plain.problems.map(\.description) == ["password: empty; password is required"])
    }
}
