/// The rule for where flowbatch sends credentials: HTTPS, or plain HTTP only to this machine.
public enum TransportSecurity {
    /// Why `url` may not be used, or `nil` when it may.
    ///
    /// Plain `http://` is allowed for loopback hosts (the bundled mock) and otherwise only when
    /// `allowInsecureHTTP` is set, because tokens and credentials would cross the network in clear.
    public static func problem(with url: String, option: String, allowInsecureHTTP: Bool) -> String? {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return hostProblem(url, dropping: 8, option: option) }
        guard lowered.hasPrefix("http://") else {
            return "\(option) '\(url)' must be an https:// URL"
        }
        if let problem = hostProblem(url, dropping: 7, option: option) { return problem }
        if isLoopback(host(of: url, dropping: 7)) || allowInsecureHTTP { return nil }
        return "\(option) '\(url)' is plain http to another machine: tokens and credentials would cross the network"
            + " unencrypted; use https://, or pass --allow-insecure-http if you really mean it"
    }

    private static func hostProblem(_ url: String, dropping count: Int, option: String) -> String? {
        host(of: url, dropping: count).isEmpty ? "\(option) '\(url)' has no host" : nil
    }

    static func host(of url: String, dropping count: Int) -> String {
        var authority = url.dropFirst(count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            return String(authority.dropFirst().prefix { $0 != "]" })
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// `localhost`, `::1`, or an IPv4 address 127.x.y.z: names that never leave this machine.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }),
            let values = Optional(octets.compactMap { Int($0) }), values.count == 4, values.allSatisfy({ $0 <= 255 })
        else { return false }
        return values[0] == 127
    }
}
