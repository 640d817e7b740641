/// Checks that a value is an absolute `http` or `https` URL with a host, and no user name or password.
enum URLCheck {
    /// Why `value` is not acceptable, or `nil` when it is.
    static func problem(with value: String) -> String? {
        let afterScheme = value.firstRange(of: "://").map { value[$0.upperBound...] } ?? Substring(value)
        if afterScheme.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" }).contains("@") {
            // Never echo such a value: the part before '@' may be a password.
            return "the URL holds a user name or password; put them in the username and password columns"
        }
        let lowered = value.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            rest = value.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            rest = value.dropFirst(7)
        } else {
            return "'\(value)' is not an absolute http(s) URL; write it as https://host/..."
        }
        if value.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "a URL may not contain spaces or control characters"
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host: Substring
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return "'\(value)' has a broken IPv6 address" }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "'\(value)' has a broken IPv6 address" }
                port = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        if host.isEmpty {
            return "'\(value)' has no host name"
        }
        if host.contains(where: { "<>\"{}|\\^`".contains($0) }) {
            return "'\(value)' has characters a host name cannot hold"
        }
        if let port {
            guard let number = Int(port), (1...65535).contains(number) else {
                return "'\(value)' has an invalid port"
            }
        }
        return nil
    }
}
