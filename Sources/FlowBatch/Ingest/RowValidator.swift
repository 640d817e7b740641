/// Checks one input row and turns it into a ``ConnectionRequest``, or lists everything wrong with it.
///
/// Non-secret values (`name`, `description`, `sandbox`, `auth`, URLs, `expirationDate`) are trimmed,
/// with a warning where that changed them; secret values are never changed. Uniqueness of names is
/// not checked here: it needs every row (see ``DuplicateNameFinder``).
public struct RowValidator: Sendable {
    /// The sandbox of rows whose `sandbox` cell is empty.
    public var defaultSandbox: String
    /// Today, `YYYY-MM-DD`, to warn about expiration dates in the past; `nil` skips that warning.
    public var today: String?

    public init(defaultSandbox: String = "prod", today: String? = nil) {
        self.defaultSandbox = defaultSandbox
        self.today = today
    }

    /// The outcome of checking one row.
    public struct Result: Sendable {
        /// The request, when the row is valid.
        public var request: ConnectionRequest?
        /// Everything that makes the row invalid; empty when it is valid.
        public var problems: [RowProblem]
        /// Values that were changed or will be ignored; the row may still be valid.
        public var warnings: [RowProblem]
        /// The trimmed name, as far as it could be read (for reports of invalid rows).
        public var name: String
        /// The sandbox the row is meant for.
        public var sandbox: String
        /// The kind of authentication, when it could be told.
        public var auth: AuthKind?
    }

    /// Checks `input`, whose columns were mapped by `columns`.
    public func validate(_ input: InputRow, columns: ColumnMap) -> Result {
        var check = Check(input: input)
        if let problem = input.problem {
            check.problems.append(RowProblem(problem, columns: columns))
            return check.result(request: nil, name: input[.name], sandbox: defaultSandbox, auth: nil)
        }
        if input.valueCount > columns.columns.count {
            check.problems.append(
                RowProblem(
                    field: "csv",
                    code: .tooManyValues,
                    message: "the row has \(input.valueCount) values but the header has \(columns.columns.count) columns;"
                        + " a value holding the delimiter must be in quotes"
                )
            )
            // The values are shifted: anything else said about them would mislead.
            return check.result(request: nil, name: input[.name].trimmingSpaces(), sandbox: defaultSandbox, auth: nil)
        }
        let name = check.text(.name, required: true)
        let description = check.text(.description)
        let sandbox = checkSandbox(&check)
        let auth = checkAuth(&check)
        let credentials = auth.flatMap { checkCredentials($0, &check) }
        for field in Field.allCases where field.isSecret {
            check.secretLength(field)
        }
        guard check.problems.isEmpty, let credentials else {
            return check.result(request: nil, name: name, sandbox: sandbox, auth: auth)
        }
        let request = ConnectionRequest(
            row: input.row,
            name: name,
            description: description.isEmpty ? nil : description,
            sandbox: sandbox,
            credentials: credentials
        )
        return check.result(request: request, name: name, sandbox: sandbox, auth: auth)
    }

    private func checkSandbox(_ check: inout Check) -> String {
        let written = check.text(.sandbox)
        guard !written.isEmpty else { return defaultSandbox }
        if !SandboxName.isValid(written) {
            var message = "'\(written)' is not a sandbox name: sandbox names are lowercase letters, digits and hyphens"
            let lowered = written.lowercased()
            if SandboxName.isValid(lowered) { message += " (write '\(lowered)')" }
            check.problems.append(RowProblem(.sandbox, .invalidSandbox, message))
        }
        return written
    }

    private static let basicFields: [Field] = [.username, .password]
    private static let oauthFields: [Field] = [
        .accessToken, .refreshToken, .clientId, .clientSecret, .accessTokenUrl, .authorizationTestUrl, .expirationDate,
    ]

    private func checkAuth(_ check: inout Check) -> AuthKind? {
        let written = check.text(.auth)
        let input = check.input
        let anyBasic = Self.basicFields.contains { !input[$0].isEmpty }
        let anyOAuth = Self.oauthFields.contains { !input[$0].isEmpty }
        if !written.isEmpty {
            guard let kind = AuthName.kind(of: written) else {
                check.problems.append(
                    RowProblem(.auth, .invalidAuth, "'\(written)' is not an auth type: write basic or oauth2")
                )
                return nil
            }
            if kind == .basic ? anyOAuth : anyBasic {
                for field in kind == .basic ? Self.oauthFields : Self.basicFields where !input[field].isEmpty {
                    check.warnings.append(RowProblem(field, .warning, "ignored: the row's auth is \(kind.rawValue)"))
                }
            }
            return kind
        }
        switch (anyBasic, anyOAuth) {
        case (true, false): return .basic
        case (false, true): return .oauth2
        case (true, true):
            let basic = Self.basicFields.filter { !input[$0].isEmpty }.map(\.rawValue).joined(separator: ", ")
            let oauth = Self.oauthFields.filter { !input[$0].isEmpty }.map(\.rawValue).joined(separator: ", ")
            check.problems.append(
                RowProblem(
                    .auth,
                    .conflictingAuth,
                    "both basic (\(basic)) and OAuth 2 (\(oauth)) cells are filled; set auth to basic or oauth2"
                )
            )
        case (false, false):
            check.problems.append(
                RowProblem(
                    .auth,
                    .noCredentials,
                    "no credentials: fill username and password (basic) or accessToken (oauth2)"
                )
            )
        }
        return nil
    }

    private func checkCredentials(_ kind: AuthKind, _ check: inout Check) -> Credentials? {
        let host = check.url(.host, required: true)
        switch kind {
        case .basic:
            let username = check.credential(.username, required: true)
            let password = check.secret(.password, required: true)
            guard let password else { return nil }
            return .basic(.init(host: host, username: username, password: password))
        case .oauth2:
            let accessToken = check.secret(.accessToken, required: true)
            let testURL = check.url(.authorizationTestUrl)
            let clientId = check.credential(.clientId)
            let clientSecret = check.secret(.clientSecret)
            let refreshToken = check.secret(.refreshToken)
            let expiration = check.date(.expirationDate, today: today)
            let tokenURL = check.url(.accessTokenUrl)
            guard let accessToken else { return nil }
            return .oauth2RefreshCode(
                .init(
                    host: host,
                    accessToken: accessToken,
                    authorizationTestUrl: testURL.isEmpty ? nil : testURL,
                    clientId: clientId.isEmpty ? nil : clientId,
                    clientSecret: clientSecret,
                    refreshToken: refreshToken,
                    expirationDate: expiration,
                    accessTokenUrl: tokenURL.isEmpty ? nil : tokenURL
                )
            )
        }
    }
}

/// The problems and warnings of one row, gathered as its fields are checked.
private struct Check {
    let input: InputRow
    var problems: [RowProblem] = []
    var warnings: [RowProblem] = []

    func result(request: ConnectionRequest?, name: String, sandbox: String, auth: AuthKind?) -> RowValidator.Result {
        RowValidator.Result(
            request: request,
            problems: problems,
            warnings: warnings,
            name: name,
            sandbox: sandbox,
            auth: auth
        )
    }

    /// A non-secret text value: trimmed (with a warning), checked for length and control characters.
    mutating func text(_ field: Field, required: Bool = false) -> String {
        let written = input[field]
        let trimmed = written.trimmingSpaces()
        if trimmed.utf8.count != written.utf8.count, !trimmed.isEmpty {
            warnings.append(RowProblem(field, .warning, "spaces around the value were removed"))
        }
        if trimmed.isEmpty {
            if required { problems.append(RowProblem(field, .missingField, "empty; \(field.rawValue) is required")) }
            return ""
        }
        // UTF-8 bytes bound characters from above: count characters only when the bytes exceed the limit.
        if trimmed.utf8.count > field.maxLength, trimmed.count > field.maxLength {
            problems.append(
                RowProblem(field, .tooLong, "\(trimmed.count) characters; the most is \(field.maxLength)")
            )
        }
        let allowsLineBreaks = field == .name || field == .description
        if let byte = Check.firstControl(in: trimmed, allowingLineBreaks: allowsLineBreaks) {
            problems.append(
                RowProblem(field, .invalidCharacter, "contains the control character \(Check.codePointName(byte))")
            )
        }
        return trimmed
    }

    static func firstControl(in value: String, allowingLineBreaks: Bool) -> UInt8? {
        var copy = value
        return copy.withUTF8 { bytes in
            for byte in bytes where isForbiddenControl(byte, allowingLineBreaks: allowingLineBreaks) { return byte }
            return nil
        }
    }

    static func isForbiddenControl(_ byte: UInt8, allowingLineBreaks: Bool) -> Bool {
        guard byte < 0x20 || byte == 0x7F else { return false }
        return !(allowingLineBreaks && (byte == 0x0A || byte == 0x0D || byte == 0x09))
    }

    static func codePointName(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// A URL value: trimmed, and an absolute http(s) URL without user name or password.
    mutating func url(_ field: Field, required: Bool = false) -> String {
        let value = text(field, required: required)
        guard !value.isEmpty, problems.last?.field != field.rawValue else { return value }
        if let reason = URLCheck.problem(with: value) {
            problems.append(RowProblem(field, .invalidURL, reason))
        }
        return value
    }

    /// A date value, `YYYY-MM-DD` or an ISO 8601 date-time; returns the date part.
    mutating func date(_ field: Field, today: String?) -> String? {
        let value = text(field)
        guard !value.isEmpty, problems.last?.field != field.rawValue else { return nil }
        guard let date = CalendarDate(parsing: value) else {
            problems.append(
                RowProblem(field, .invalidDate, "'\(value)' is not a date; write YYYY-MM-DD, e.g. 2027-03-31")
            )
            return nil
        }
        if let today, date.text < today {
            warnings.append(RowProblem(field, .warning, "\(date.text) is in the past; the token may have expired"))
        }
        return date.text
    }

    /// A non-secret credential (`username`, `clientId`): sent exactly as written.
    mutating func credential(_ field: Field, required: Bool = false) -> String {
        let value = input[field]
        if value.trimmingSpaces().isEmpty {
            if required { problems.append(RowProblem(field, .missingField, "empty; \(field.rawValue) is required")) }
            return value.isEmpty ? "" : value
        }
        if value.trimmingSpaces().utf8.count != value.utf8.count {
            warnings.append(RowProblem(field, .warning, "begins or ends with a space; sent as written"))
        }
        if value.utf8.count > field.maxLength, value.count > field.maxLength {
            problems.append(RowProblem(field, .tooLong, "\(value.count) characters; the most is \(field.maxLength)"))
        }
        return value
    }

    /// A secret value: never changed, never shown.
    mutating func secret(_ field: Field, required: Bool = false) -> Secret? {
        let value = input[field]
        if value.isEmpty {
            if required { problems.append(RowProblem(field, .missingField, "empty; \(field.rawValue) is required")) }
            return nil
        }
        if value.trimmingSpaces().utf8.count != value.utf8.count {
            warnings.append(RowProblem(field, .warning, "begins or ends with a space; sent as written"))
        }
        return Secret(value)
    }

    /// Length of a secret value, checked for every secret column whatever the auth type.
    mutating func secretLength(_ field: Field) {
        let count = input[field].utf8.count
        if count > field.maxLength {
            problems.append(RowProblem(field, .tooLong, "\(count) bytes; the most is \(field.maxLength)"))
        }
    }
}

extension String {
    /// The value without spaces, tabs, line breaks, no-break spaces or byte-order marks at either end.
    func trimmingSpaces() -> String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        // Most values need no trimming: decide that from the first and last bytes alone.
        if !Self.mayTrim(first), !Self.mayTrim(last) { return self }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.isTrimmable }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.isTrimmable })!
        return String(scalars[start...end])
    }

    private static func mayTrim(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte >= 0x80
    }
}

extension Unicode.Scalar {
    fileprivate var isTrimmable: Bool {
        self == " " || self == "\t" || self == "\n" || self == "\r" || self == "\u{A0}" || self == "\u{FEFF}"
    }
}
