/// Secrets written into a URL's query string or fragment (`?access_token=…`, `&sig=…`, `#token=…`):
/// found so that every output flowbatch writes can mask them, and the row can be warned that
/// credentials belong in the credential columns. (User info, `https://user:pass@host`, is refused
/// by the row checks and never echoed.)
public enum URLSecrets {
    /// What a masked value reads as.
    public static let mask = "***"

    /// Parameter names that hold a secret, compared in lower case without `-`, `_` and `.`.
    static let names: Set<String> = [
        "key", "apikey", "sig", "signature", "token", "accesstoken", "refreshtoken", "idtoken", "password", "passwd",
        "pass", "pwd", "secret", "clientsecret", "auth", "authorization", "code", "credential", "credentials",
        "session", "sessionid", "sas",
    ]

    /// Parts of a parameter name that make it a secret wherever they stand (`x-amz-signature`, `my_api_key`).
    static let nameParts = ["token", "secret", "password", "apikey", "signature", "credential"]

    /// Whether a query parameter called `name` holds a secret.
    public static func isSecret(name: String) -> Bool {
        let normalized = String(name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != "." })
        return names.contains(normalized) || nameParts.contains { normalized.contains($0) }
    }

    /// One secret parameter of a URL: its name and the range of its value.
    struct Found {
        var name: String
        var value: Range<String.Index>
    }

    static func find(in url: String) -> [Found] {
        guard let start = url.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return [] }
        var found: [Found] = []
        var index = url.index(after: start)
        while index < url.endIndex {
            let end = url[index...].firstIndex(where: { $0 == "&" || $0 == "#" || $0 == ";" }) ?? url.endIndex
            let pair = url[index..<end]
            if let equals = pair.firstIndex(of: "="), isSecret(name: String(pair[..<equals])) {
                let value = url.index(after: equals)..<end
                if !value.isEmpty { found.append(Found(name: String(pair[..<equals]), value: value)) }
            }
            index = end < url.endIndex ? url.index(after: end) : end
        }
        return found
    }

    /// The names of the secret parameters `url` holds, in order (empty when none).
    public static func names(in url: String) -> [String] {
        find(in: url).map(\.name)
    }

    /// The secret values `url` holds, as written.
    public static func values(in url: String) -> [String] {
        find(in: url).map { String(url[$0.value]) }
    }

    /// Whether some secret parameter of `url` reads ``mask``: the URL came from flowbatch's own
    /// masked output, and sending it would replace the real value with the mask.
    public static func holdsMask(_ url: String) -> Bool {
        find(in: url).contains { url[$0.value] == mask }
    }

    /// `url` with the value of every secret parameter replaced by ``mask``.
    public static func masked(_ url: String) -> String {
        var text = url
        for found in find(in: url).reversed() { text.replaceSubrange(found.value, with: mask) }
        return text
    }
}
