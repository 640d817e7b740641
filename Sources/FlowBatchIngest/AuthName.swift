import FlowBatchModel

/// Reads the `auth` column: `basic` or `oauth2`, also written as the Flow Service's spec names.
package enum AuthName {
    package static func kind(of written: UnsafeBufferPointer<UInt8>) -> AuthKind? {
        // The common spellings first, without building a normalized copy.
        if ByteText.equals(written, "basic") { return .basic }
        if ByteText.equals(written, "oauth2") { return .oauth2 }
        return kind(of: String(decoding: written, as: UTF8.self))
    }

    package static func kind(of written: String) -> AuthKind? {
        // `OAuth 2.0` as people write it: the version's dot goes too.
        switch Field.normalize(written).filter({ $0 != "." }) {
        case "basic", "basicauth", "basicauthentication": .basic
        case "oauth2", "oauth", "oauth20", "oauth2refreshcode", "oauth20refreshcode", "oauth2refresh": .oauth2
        default: nil
        }
    }
}
