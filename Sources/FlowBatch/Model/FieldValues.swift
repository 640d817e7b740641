/// The values of a row's fields, one slot per ``Field``; a field without a column reads as empty.
public struct FieldValues: Sendable, Equatable {
    private var storage = [String](repeating: "", count: Field.allCases.count)

    public init() {}

    /// Creates values from a dictionary (tests, examples).
    public init(_ values: [Field: String]) {
        for (field, value) in values { self[field] = value }
    }

    public subscript(field: Field) -> String {
        get { storage[field.ordinal] }
        set { storage[field.ordinal] = newValue }
    }
}

extension Field {
    /// The position of the field in ``Field/allCases``.
    var ordinal: Int {
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
}
