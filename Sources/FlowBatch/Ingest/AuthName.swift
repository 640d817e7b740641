/// Reads the `auth` column: `basic` or `oauth2`, also written as the Flow Service's spec names.
enum AuthName {
    static func kind(of written: String) -> AuthKind? {
        // The common spellings first, without building a normalized copy.
        if written == "basic" { return .basic }
        if written == "oauth2" { return .oauth2 }
        switch Field.normalize(written) {
        case "basic", "basicauth", "basicauthentication": return .basic
        case "oauth2", "oauth", "oauth2refreshcode", "oauth2refresh": return .oauth2
        default: return nil
        }
    }
}
