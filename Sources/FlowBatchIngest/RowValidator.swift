import FlowBatchModel

/// Checks one input row and turns it into a ``ConnectionRequest``, or lists everything wrong with it.
///
/// Works on the row's bytes: checking copies no value, and strings are made only for a request
/// (`buildRequest`) or a message. Non-secret values (`name`, `description`, `sandbox`, `auth`, URLs,
/// `expirationDate`) are trimmed, with a warning where that changed them; secret values are never
/// changed. Uniqueness of names is not checked here: it needs every row (``DuplicateNameFinder``).
public struct RowValidator: Sendable {
    /// The sandbox of rows whose `sandbox` cell is empty.
    public var defaultSandbox: String
    /// Today, `YYYY-MM-DD`, to warn about expiration dates in the past; `nil` skips that warning.
    public var today: String?
    /// `--if-exists update`: a row whose secret cells are all empty may keep an existing connection's
    /// credentials; its missing secrets are then ``Result/problemsIfCreated``, not problems.
    public var secretsMayBeKept = false

    public init(defaultSandbox: String = "prod", today: String? = nil) {
        self.defaultSandbox = defaultSandbox
        self.today = today
    }

    /// The outcome of checking one row.
    public struct Result: Sendable {
        /// The request, when the row is valid and it was asked for.
        public var request: ConnectionRequest?
        /// Everything that makes the row invalid; empty when it is valid.
        public var problems: [RowProblem] = []
        /// Values that were changed or will be ignored; the row may still be valid.
        public var warnings: [RowProblem] = []
        /// The trimmed name, as far as it could be read (for reports of invalid rows).
        public var name = ""
        /// The sandbox the row is meant for.
        public var sandbox = ""
        /// The kind of authentication, when it could be told.
        public var auth: AuthKind?
        /// With ``RowValidator/secretsMayBeKept`` and no secret given: what makes the row invalid if no
        /// connection with its name exists to keep the credentials of (the request then keeps them).
        public var problemsIfCreated: [RowProblem] = []
    }

    private static let basicFields: [Field] = [.username, .password]
    private static let oauthFields: [Field] = [
        .accessToken, .refreshToken, .clientId, .clientSecret, .accessTokenUrl, .authorizationTestUrl, .expirationDate,
    ]

    /// Checks `row`; with `buildRequest`, also makes the request (and the name and sandbox strings).
    public func validate(_ row: RawRow, buildRequest: Bool = true) -> Result {
        var check = Check(row: row, buildStrings: buildRequest)
        if let problem = row.problem {
            // A row that could not be read cleanly, or is ragged: its values are not used, not even its name.
            check.result.problems.append(RowProblem(problem, columns: row.columns))
            check.result.sandbox = defaultSandbox
            return check.result
        }
        let name = check.text(.name, required: true)
        let description = check.text(.description)
        let sandbox = checkSandbox(&check)
        let auth = checkAuth(&check)
        check.result.auth = auth
        if buildRequest {
            check.result.name = String(decoding: name, as: UTF8.self)
            check.result.sandbox = sandbox.isEmpty ? defaultSandbox : String(decoding: sandbox, as: UTF8.self)
        }
        // Every problem of the row is reported at once, the host's too when the auth cannot be told.
        let host = check.url(.host, required: true)
        for field in [Field.password, .clientSecret, .accessToken, .refreshToken] {
            check.secretLength(field)
        }
        guard let auth else { return check.result }
        check.keepsSecrets =
            secretsMayBeKept
            && [Field.password, .clientSecret, .accessToken, .refreshToken].allSatisfy { row[$0].isEmpty }
        let credentials = checkCredentials(auth, host: host, &check)
        guard buildRequest, check.result.problems.isEmpty, let credentials else { return check.result }
        check.result.request = ConnectionRequest(
            row: row.row,
            name: check.result.name,
            description: description.isEmpty ? nil : String(decoding: description, as: UTF8.self),
            sandbox: check.result.sandbox,
            credentials: credentials
        )
        check.result.request?.keepsSecrets = check.keepsSecrets
        return check.result
    }

    /// The trimmed name and the sandbox of `row`, as bytes, for finding repeated names without
    /// validating; `body` gets an empty name when the row has none.
    public func nameKey<Key>(
        _ row: RawRow,
        _ body: (_ sandbox: UnsafeBufferPointer<UInt8>, _ name: UnsafeBufferPointer<UInt8>) throws -> Key
    ) rethrows -> Key {
        let sandbox = ByteText.cell(row[.sandbox]).value
        let name = ByteText.cell(row[.name]).value
        if !sandbox.isEmpty { return try body(sandbox, name) }
        var fallback = defaultSandbox
        return try fallback.withUTF8 { try body($0, name) }
    }

    private func checkSandbox(_ check: inout Check) -> UnsafeBufferPointer<UInt8> {
        let written = check.text(.sandbox)
        if !written.isEmpty, !SandboxName.isValid(written) {
            let text = String(decoding: written, as: UTF8.self)
            var message = "'\(text)' is not a sandbox name: sandbox names are lowercase letters, digits and hyphens"
            let lowered = text.lowercased()
            if SandboxName.isValid(lowered) { message += " (write '\(lowered)')" }
            check.result.problems.append(RowProblem(.sandbox, .invalidSandbox, message))
        }
        return written
    }

    private func checkAuth(_ check: inout Check) -> AuthKind? {
        let written = check.text(.auth)
        let row = check.row
        let anyBasic = Self.basicFields.contains { !row[$0].isEmpty }
        let anyOAuth = Self.oauthFields.contains { !row[$0].isEmpty }
        if !written.isEmpty {
            guard let kind = AuthName.kind(of: written) else {
                let text = String(decoding: written, as: UTF8.self)
                check.result.problems.append(
                    RowProblem(.auth, .invalidAuth, "'\(text)' is not an auth type: write basic or oauth2")
                )
                return nil
            }
            if kind == .basic ? anyOAuth : anyBasic {
                for field in kind == .basic ? Self.oauthFields : Self.basicFields where !row[field].isEmpty {
                    check.result.warnings.append(
                        RowProblem(field, .warning, "ignored: the row's auth is \(kind.rawValue)")
                    )
                }
            }
            return kind
        }
        switch (anyBasic, anyOAuth) {
        case (true, false): return .basic
        case (false, true): return .oauth2
        case (true, true):
            let basic = Self.basicFields.filter { !row[$0].isEmpty }.map(\.rawValue).joined(separator: ", ")
            let oauth = Self.oauthFields.filter { !row[$0].isEmpty }.map(\.rawValue).joined(separator: ", ")
            check.result.problems.append(
                RowProblem(
                    .auth,
                    .conflictingAuth,
                    "both basic (\(basic)) and OAuth 2 (\(oauth)) cells are filled; set auth to basic or oauth2"
                )
            )
        case (false, false):
            check.result.problems.append(
                RowProblem(
                    .auth,
                    .noCredentials,
                    "no credentials: fill username and password (basic) or accessToken (oauth2)"
                )
            )
        }
        return nil
    }

    private func checkCredentials(
        _ kind: AuthKind,
        host: UnsafeBufferPointer<UInt8>,
        _ check: inout Check
    ) -> Credentials? {
        switch kind {
        case .basic:
            let username = check.credential(.username, required: true)
            let password = check.secret(.password, required: true)
            guard check.buildStrings, let password else { return nil }
            return .basic(.init(host: check.string(host), username: check.string(username), password: password))
        case .oauth2:
            let accessToken = check.secret(.accessToken, required: true)
            let testURL = check.url(.authorizationTestUrl)
            let clientId = check.credential(.clientId)
            let clientSecret = check.secret(.clientSecret)
            let refreshToken = check.secret(.refreshToken)
            if check.row[.refreshToken].isEmpty, !check.keepsSecrets {
                check.result.warnings.append(
                    RowProblem(
                        .refreshToken,
                        .warning,
                        "empty: the connection stops working when its access token expires; fill refreshToken"
                            + " (with clientId, clientSecret and accessTokenUrl) so that the service can renew it"
                    )
                )
            }
            let expiration = check.date(.expirationDate, today: today)
            let tokenURL = check.url(.accessTokenUrl)
            guard check.buildStrings, let accessToken else { return nil }
            return .oauth2RefreshCode(
                .init(
                    host: check.string(host),
                    accessToken: accessToken,
                    authorizationTestUrl: testURL.isEmpty ? nil : check.string(testURL),
                    clientId: clientId.isEmpty ? nil : check.string(clientId),
                    clientSecret: clientSecret,
                    refreshToken: refreshToken,
                    expirationDate: expiration,
                    accessTokenUrl: tokenURL.isEmpty ? nil : check.string(tokenURL)
                )
            )
        }
    }
}

/// The problems and warnings of one row, gathered as its fields are checked.
private struct Check {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    let row: RawRow
    let buildStrings: Bool
    var result = RowValidator.Result()
    /// The row keeps an existing connection's secrets: a missing one is a problem only if it is created.
    var keepsSecrets = false

    init(row: RawRow, buildStrings: Bool) {
        self.row = row
        self.buildStrings = buildStrings
    }

    func string(_ bytes: Bytes) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private mutating func problem(_ field: Field, _ code: RowProblem.Code, _ message: String) {
        result.problems.append(RowProblem(field, code, message))
    }

    /// A non-secret text value: trimmed (with a warning), checked for length and control characters.
    mutating func text(_ field: Field, required: Bool = false) -> Bytes {
        let written = row[field]
        let (trimmed, unguarded) = ByteText.cell(written)
        if unguarded {
            result.warnings.append(RowProblem(field, .warning, Self.unguardedWarning))
        } else if trimmed.count != written.count, !trimmed.isEmpty {
            result.warnings.append(RowProblem(field, .warning, "spaces around the value were removed"))
        }
        if trimmed.isEmpty {
            if required { problem(field, .missingField, "empty; \(field.rawValue) is required") }
            return trimmed
        }
        // Bytes bound characters from above: characters are counted only past the limit.
        if trimmed.count > field.maxLength {
            let characters = ByteText.scalarCount(trimmed)
            if characters > field.maxLength {
                problem(field, .tooLong, "\(characters) characters; the most is \(field.maxLength)")
            }
        }
        let allowsLineBreaks = field == .name || field == .description
        if row.mayHoldControls, let byte = ByteText.firstControl(trimmed, allowingLineBreaks: allowsLineBreaks) {
            problem(field, .invalidCharacter, "contains the control character \(ByteText.codePointName(byte))")
        }
        return trimmed
    }

    /// A URL value: trimmed, and an absolute http(s) URL without user name or password.
    mutating func url(_ field: Field, required: Bool = false) -> Bytes {
        let before = result.problems.count
        let value = text(field, required: required)
        guard !value.isEmpty, result.problems.count == before else { return value }
        if let reason = URLCheck.problem(with: value) {
            problem(field, .invalidURL, reason)
            return value
        }
        if field == .host {
            for warning in HostCheck.warnings(forBytes: value) {
                result.warnings.append(RowProblem(field, .warning, warning))
            }
        }
        // A string only for a URL with a query or fragment: most have none, and a string per row's
        // URL shows in validate's time.
        guard value.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else { return value }
        let text = string(value)
        let secrets = URLSecrets.names(in: text)
        if URLSecrets.holdsMask(text) {
            problem(
                field,
                .invalidURL,
                "the URL's \(secrets.joined(separator: ", ")) reads \(URLSecrets.mask), as flowbatch masks it in what it"
                    + " writes: put the real value back (or, better, the credential in its own column)"
            )
        } else if !secrets.isEmpty {
            result.warnings.append(
                RowProblem(
                    field,
                    .warning,
                    "the URL holds a secret in its query string (\(secrets.joined(separator: ", "))): flowbatch masks it"
                        + " in everything it writes, but credentials belong in the credential columns"
                )
            )
        }
        return value
    }

    /// A date value, `YYYY-MM-DD` or an ISO 8601 date-time; returns the date part.
    mutating func date(_ field: Field, today: String?) -> String? {
        let before = result.problems.count
        let value = text(field)
        guard !value.isEmpty, result.problems.count == before else { return nil }
        guard let date = CalendarDate(parsing: value) else {
            problem(field, .invalidDate, "'\(string(value))' is not a date; write YYYY-MM-DD, e.g. 2027-03-31")
            return nil
        }
        if let today, date.text < today {
            result.warnings.append(
                RowProblem(field, .warning, "\(date.text) is in the past; the token may have expired")
            )
        }
        return date.text
    }

    static let unguardedWarning =
        "the leading ' (the guard flowbatch's results and exports put before = + - @) was removed"

    /// A non-secret credential (`username`, `clientId`): sent exactly as written, but for the guard
    /// flowbatch's exports put before a formula character.
    mutating func credential(_ field: Field, required: Bool = false) -> Bytes {
        var value = row[field]
        if FormulaGuard.guardLength(value) > 0 {
            value = UnsafeBufferPointer(rebasing: value.dropFirst())
            result.warnings.append(RowProblem(field, .warning, Self.unguardedWarning))
        }
        let trimmed = ByteText.trimmed(value)
        if trimmed.isEmpty {
            if required { problem(field, .missingField, "empty; \(field.rawValue) is required") }
            return trimmed
        }
        if trimmed.count != value.count {
            result.warnings.append(RowProblem(field, .warning, "begins or ends with a space; sent as written"))
        }
        if value.count > field.maxLength, ByteText.scalarCount(value) > field.maxLength {
            problem(field, .tooLong, "\(ByteText.scalarCount(value)) characters; the most is \(field.maxLength)")
        }
        return value
    }

    /// A secret value: never changed, never shown.
    mutating func secret(_ field: Field, required: Bool = false) -> Secret? {
        let value = row[field]
        if value.isEmpty {
            guard required else { return nil }
            let hint = row.columns.hint(forMissing: field).map { " (\($0))" } ?? ""
            if keepsSecrets {
                result.problemsIfCreated.append(
                    RowProblem(field, .missingField, "empty; \(field.rawValue) is required to create the connection")
                )
                return Secret("")
            }
            problem(field, .missingField, "empty; \(field.rawValue) is required" + hint)
            return nil
        }
        if ByteText.trimmed(value).count != value.count {
            result.warnings.append(RowProblem(field, .warning, "begins or ends with a space; sent as written"))
        }
        return buildStrings ? Secret(string(value)) : Secret("")
    }

    /// Length of a secret value, checked for every secret column whatever the auth type.
    mutating func secretLength(_ field: Field) {
        let count = row[field].count
        if count > field.maxLength {
            problem(field, .tooLong, "\(count) bytes; the most is \(field.maxLength)")
        }
    }
}
