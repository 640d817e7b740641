/// A column of the input that flowbatch reads; every other column is carried into the results unchanged.
public enum Field: String, CaseIterable, Sendable, Hashable, Comparable {
    case name
    case description
    case sandbox
    case auth
    case host
    case username
    case password
    case authorizationTestUrl
    case clientId
    case clientSecret
    case accessToken
    case refreshToken
    case expirationDate
    case accessTokenUrl

    /// Values that must never be shown, logged or written anywhere but the request body.
    public var isSecret: Bool {
        switch self {
        case .password, .clientSecret, .accessToken, .refreshToken: true
        default: false
        }
    }

    /// The most characters a value may hold.
    public var maxLength: Int {
        switch self {
        case .name: 256
        case .description: 4096
        case .sandbox: 64
        case .auth: 64
        case .expirationDate: 64
        case .username, .clientId: 1024
        case .host, .authorizationTestUrl, .accessTokenUrl: 2048
        case .password, .clientSecret, .accessToken, .refreshToken: 16 * 1024
        }
    }

    /// The header text this field is matched with: lowercased, without spaces, `_` and `-`.
    package var normalizedName: String { Field.normalize(rawValue) }

    /// Lowercases and drops spaces, `_` and `-`, so that `Client ID`, `client_id` and `clientId` match.
    package static func normalize(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { !($0 == " " || $0 == "_" || $0 == "-" || $0 == "\t") })
    }

    /// The field whose normalized name equals `header`'s, if any.
    package static func matching(header: String) -> Field? {
        lookup[normalize(header)]
    }

    private static let lookup: [String: Field] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.normalizedName, $0) }
    )

    /// The position of the field in ``Field/allCases``.
    package var ordinal: Int {
        switch self {
        case .name: 0
        case .description: 1
        case .sandbox: 2
        case .auth: 3
        case .host: 4
        case .username: 5
        case .password: 6
        case .authorizationTestUrl: 7
        case .clientId: 8
        case .clientSecret: 9
        case .accessToken: 10
        case .refreshToken: 11
        case .expirationDate: 12
        case .accessTokenUrl: 13
        }
    }

    public static func < (lhs: Field, rhs: Field) -> Bool {
        lhs.ordinal < rhs.ordinal
    }
}
