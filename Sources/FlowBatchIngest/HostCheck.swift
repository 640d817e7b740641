/// Hosts a person should look at twice before the Flow Service is given them: it calls the host from
/// Adobe's cloud, over the public internet, with the row's credentials.
///
/// Each finding is a warning, not a problem: a test service on a private network reached through a
/// tunnel is legitimate, but nearly always such a host is a mistake copied from a developer's notes.
/// It runs for every row: the usual host is recognised on its bytes, without making a string (making
/// them took two thirds of `validate`'s time).
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

    /// ``warnings(for:)`` on the URL's bytes; the common host (`https://`, a name with a dot whose
    /// last label holds a letter, not under `localhost`) is told apart without making a string.
    static func warnings(forBytes bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        if isPlainPublicHTTPS(bytes) { return [] }
        return warnings(for: String(decoding: bytes, as: UTF8.self))
    }

    private static let httpsScheme = Array("https://".utf8)
    private static let localhostSuffix = Array(".localhost".utf8)

    /// Whether `bytes` is an https URL whose host is a dotted name that no warning concerns.
    private static func isPlainPublicHTTPS(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let scheme = httpsScheme
        guard bytes.count > scheme.count else { return false }
        for index in 0..<scheme.count where bytes[index] | 0x20 != scheme[index] | 0x20 { return false }
        var end = scheme.count
        while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"),
            bytes[end] != UInt8(ascii: "#"), bytes[end] != UInt8(ascii: ":")
        {
            end += 1
        }
        let host = UnsafeBufferPointer(rebasing: bytes[scheme.count..<end])
        guard let lastDot = host.lastIndex(of: UInt8(ascii: ".")), lastDot > 0, lastDot + 1 < host.count,
            host[0] != UInt8(ascii: "[")
        else { return false }
        // An IPv4 literal's last label is digits; a name's holds a letter.
        guard host[(lastDot + 1)...].contains(where: { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) else {
            return false
        }
        let localhost = localhostSuffix
        if host.count >= localhost.count {
            let tail = host[(host.count - localhost.count)...]
            if zip(tail, localhost).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) { return false }
        }
        return true
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
