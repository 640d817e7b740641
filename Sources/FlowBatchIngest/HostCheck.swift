/// Hosts a person should look at twice before the Flow Service is given them: it calls the host from
/// Adobe's cloud, over the public internet, with the row's credentials.
///
/// Each finding is a warning, not a problem: a test service on a private network reached through a
/// tunnel is legitimate, but nearly always such a host is a mistake copied from a developer's notes.
enum HostCheck {
    /// Warnings for the `host` URL `value` (already a valid http(s) URL): a scheme that sends the
    /// credentials in clear text, `localhost`, a loopback or private address, a name without a dot.
    static func warnings(for value: String) -> [String] {
        var warnings: [String] = []
        let lowered = value.lowercased()
        if lowered.hasPrefix("http://") {
            warnings.append(
                "http:// sends the credentials in clear text over the internet; use https:// unless the host has no TLS"
            )
        }
        guard let host = host(of: lowered) else { return warnings }
        if host == "localhost" || host.hasSuffix(".localhost") {
            warnings.append(
                "'\(host)' is the service's own machine, not yours: Adobe's cloud calls the host, so it must be reachable from the internet"
            )
        } else if let kind = privateAddressKind(host) {
            warnings.append(
                "\(host) is \(kind) address, which Adobe's cloud cannot reach; give the host's public name or address"
            )
        } else if !host.contains("."), !host.contains(":") {
            warnings.append(
                "'\(host)' has no domain (no dot): Adobe's cloud resolves it on the public internet, where a local name does not exist"
            )
        }
        return warnings
    }

    /// The host of a valid URL, without brackets or port, lowercased.
    private static func host(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return host.isEmpty ? nil : String(host.hasSuffix(".") ? host.dropLast() : host)
    }

    /// "a loopback", "a private", "a link-local" for such an IPv4 or IPv6 literal; `nil` otherwise.
    private static func privateAddressKind(_ host: String) -> String? {
        if host.contains(":") {
            if host == "::1" { return "a loopback" }
            if host.hasPrefix("fc") || host.hasPrefix("fd") { return "a private (unique local)" }
            if host.hasPrefix("fe8") || host.hasPrefix("fe9") || host.hasPrefix("fea") || host.hasPrefix("feb") {
                return "a link-local"
            }
            return nil
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        let octets = parts.compactMap { UInt8($0) }
        guard parts.count == 4, octets.count == 4 else { return nil }
        switch (octets[0], octets[1]) {
        case (127, _): return "a loopback"
        case (0, _): return "an unspecified"
        case (10, _), (192, 168), (172, 16...31): return "a private"
        case (100, 64...127): return "a carrier-grade NAT"
        case (169, 254): return "a link-local"
        default: return nil
        }
    }
}
