import FlowBatchModel

/// Fingerprints that let a later run tell whether a row changed since its connection was created,
/// without the journal holding the row's values: a hash of the non-secret values, and a keyed hash
/// (HMAC with a key kept outside the journal) of the secret ones, so that the journal cannot be
/// used to test guesses of a password.
public enum RowFingerprint {
    /// The fingerprint of the values that are not secret.
    public static func content(of request: ConnectionRequest) -> String {
        var parts = [request.name, request.description ?? "", request.sandbox, request.credentials.kind.rawValue]
        switch request.credentials {
        case .basic(let basic):
            parts += [basic.host, basic.username]
        case .oauth2RefreshCode(let oauth):
            parts += [
                oauth.host, oauth.clientId ?? "", oauth.authorizationTestUrl ?? "", oauth.expirationDate ?? "",
                oauth.accessTokenUrl ?? "",
            ]
        }
        return Array(Digest.sha256(joined(parts)).prefix(16)).hex
    }

    /// The keyed fingerprint of the secret values, or `nil` without a key.
    package static func secrets(of request: ConnectionRequest, key: Digest.Keyed?) -> String? {
        guard let key else { return nil }
        let values: [String]
        switch request.credentials {
        case .basic(let basic):
            values = [basic.password.revealed]
        case .oauth2RefreshCode(let oauth):
            values = [
                oauth.accessToken.revealed, oauth.clientSecret?.revealed ?? "", oauth.refreshToken?.revealed ?? "",
            ]
        }
        return Array(key.code(for: joined(values)).prefix(16)).hex
    }

    /// Values separated by a byte that UTF-8 text never holds, so that ("ab", "c") ≠ ("a", "bc").
    private static func joined(_ values: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values {
            bytes += value.utf8
            bytes.append(0xFF)
        }
        return bytes
    }
}
