import FlowBatchModel
import Foundation

/// The proxy settings of the environment, read as curl reads them.
///
/// - `https_proxy` (or `HTTPS_PROXY`) for https URLs; `http_proxy` for http URLs, in lower case
///   only, as curl has it (a CGI program gets `HTTP_PROXY` from a request's `Proxy:` header);
///   `all_proxy` (or `ALL_PROXY`) for both when the scheme's own is unset. Lower case wins.
/// - A proxy is `[http://][user:password@]host[:port]`; the port defaults to 1080, as in curl.
///   Credentials (percent-encoded) are sent as Basic proxy authorization and never printed.
/// - `no_proxy` (or `NO_PROXY`): hosts reached directly, separated by commas or spaces. `*` is
///   every host; `example.com` and `.example.com` match that host and every host under it; an IP
///   address matches itself, or a network in CIDR notation (`10.0.0.0/8`); IPv6 without brackets.
///   An entry with `:PORT` matches only that port (curl ignores such an entry).
public struct ProxyEnvironment: Sendable, Equatable {
    /// An HTTP proxy; requests go through it with `CONNECT`, https and http alike.
    public struct Proxy: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        /// The user of Basic proxy authorization.
        public var username: String?
        public var password: Secret?
        /// The variable it came from, e.g. `HTTPS_PROXY`.
        public var variable: String

        /// `http://host:port`, without credentials.
        public var description: String {
            "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.host == rhs.host && lhs.port == rhs.port && lhs.username == rhs.username
                && lhs.password?.revealed == rhs.password?.revealed
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(host)
            hasher.combine(port)
            hasher.combine(username)
            hasher.combine(password?.revealed)
        }
    }

    /// The proxy for https URLs.
    public var https: Proxy?
    /// The proxy for http URLs.
    public var http: Proxy?
    /// The `no_proxy` entries; empty when unset.
    public var noProxy: [NoProxyEntry] = []
    /// The variable `noProxy` came from.
    public var noProxyVariable: String?
    /// Variables that are set but ignored, with why (for a note).
    public var ignored: [String] = []

    public init() {}

    /// Whether any proxy variable is set at all.
    public var isEmpty: Bool { https == nil && http == nil && noProxy.isEmpty && ignored.isEmpty }

    /// Reads the variables from `environment`; an empty value counts as unset.
    ///
    /// - Throws: ``ConfigurationError`` naming the variable whose value is not a proxy.
    public static func from(_ environment: [String: String]) throws(ConfigurationError) -> ProxyEnvironment {
        func value(_ names: String...) -> (String, String)? {
            for name in names {
                if let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                    return (name, text)
                }
            }
            return nil
        }
        var result = ProxyEnvironment()
        let all = try value("all_proxy", "ALL_PROXY").map { name, text throws(ConfigurationError) in
            try Proxy.parse(text, variable: name)
        }
        result.https =
            try value("https_proxy", "HTTPS_PROXY").map { name, text throws(ConfigurationError) in
                try Proxy.parse(text, variable: name)
            } ?? all
        result.http =
            try value("http_proxy").map { name, text throws(ConfigurationError) in
                try Proxy.parse(text, variable: name)
            } ?? all
        if value("http_proxy") == nil, value("HTTP_PROXY") != nil {
            result.ignored.append("HTTP_PROXY is ignored, as curl does (only http_proxy in lower case is read)")
        }
        if let (name, text) = value("no_proxy", "NO_PROXY") {
            result.noProxyVariable = name
            result.noProxy = try text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map {
                entry throws(ConfigurationError) in try NoProxyEntry.parse(String(entry), variable: name)
            }
        }
        return result
    }

    /// The proxy to use for `url`, or `nil` to connect directly.
    public func proxy(for url: String) -> Proxy? {
        let lowered = url.lowercased()
        let secure = lowered.hasPrefix("https://")
        guard let proxy = secure ? https : (lowered.hasPrefix("http://") ? http : nil) else { return nil }
        let target = Target(url: url, secure: secure)
        return noProxy.contains { $0.matches(target.host, port: target.port) } ? nil : proxy
    }

    /// One line per base URL saying how it is reached, without credentials; nothing when no proxy
    /// variable is set.
    public func notes(for urls: [String]) -> [String] {
        guard !isEmpty else { return [] }
        var notes = ignored
        var seen: Set<String> = []
        for url in urls {
            let target = Target(url: url, secure: url.lowercased().hasPrefix("https://"))
            let key = "\(target.host):\(target.port)"
            guard seen.insert(key).inserted else { continue }
            if let proxy = proxy(for: url) {
                notes.append("\(key) is reached through the proxy \(proxy) (\(proxy.variable))")
            } else if let variable = noProxyVariable,
                noProxy.contains(where: { $0.matches(target.host, port: target.port) })
            {
                notes.append("\(key) is reached directly (\(variable))")
            } else {
                notes.append("\(key) is reached directly (no proxy variable for its scheme)")
            }
        }
        return notes
    }

    /// The host and port of a URL.
    struct Target {
        var host: String
        var port: Int

        init(url: String, secure: Bool) {
            let scheme = secure ? 8 : 7
            host = TransportSecurity.host(of: url, dropping: scheme)
            var authority = url.dropFirst(scheme).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            if let bracket = authority.lastIndex(of: "]") { authority = authority[authority.index(after: bracket)...] }
            if let colon = authority.lastIndex(of: ":"), let number = Int(authority[authority.index(after: colon)...]) {
                port = number
            } else {
                port = secure ? 443 : 80
            }
        }
    }
}

extension ProxyEnvironment.Proxy {
    /// Parses `[http://][user:password@]host[:port][/]`.
    static func parse(_ text: String, variable: String) throws(ConfigurationError) -> Self {
        func problem(_ reason: String) -> ConfigurationError {
            ConfigurationError(
                "\(variable) is not a usable proxy: \(reason); write it as http://[user:password@]host:port"
            )
        }
        var rest = Substring(text)
        if let separator = rest.firstRange(of: "://") {
            let scheme = rest[..<separator.lowerBound].lowercased()
            guard scheme == "http" else {
                throw problem("the scheme '\(scheme)' is not supported (only http:// proxies are)")
            }
            rest = rest[separator.upperBound...]
        }
        // The user information ends at the last '@' before the host: a password may hold '/', '?' or
        // '#' (not percent-encoded), so the path is cut off only after it.
        let hasUserinfo = rest.contains("@")
        var username: String?
        var password: Secret?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let user = userinfo.prefix { $0 != ":" }
            guard let decodedUser = user.removingPercentEncoding else {
                throw problem("the user name is not percent-encoded")
            }
            username = decodedUser
            if user.endIndex < userinfo.endIndex {
                let secret = userinfo[userinfo.index(after: user.endIndex)...]
                // The message must not echo the password, so it says only what is wrong.
                guard let decoded = secret.removingPercentEncoding else {
                    throw problem("the password is not percent-encoded")
                }
                password = Secret(decoded)
            }
        }
        rest = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw problem("an IPv6 address lacks its ']'") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw problem("unexpected text after the address") }
                portText = after.dropFirst()
            }
        } else {
            host = rest.prefix { $0 != ":" }
            if host.endIndex < rest.endIndex { portText = rest[rest.index(after: host.endIndex)...] }
        }
        // With credentials in the value, no part of it is quoted back: a mistyped one may be the password.
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) }) else {
            throw problem(
                host.isEmpty
                    ? "it names no host" : hasUserinfo ? "the host is not a host name" : "'\(host)' is not a host name"
            )
        }
        var port = 1080
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw problem(
                    hasUserinfo ? "the port is not a number from 1 to 65535" : "'\(portText)' is not a port (1-65535)"
                )
            }
            port = number
        }
        return Self(host: host.lowercased(), port: port, username: username, password: password, variable: variable)
    }
}

/// One entry of `no_proxy`.
public struct NoProxyEntry: Sendable, Equatable {
    enum Pattern: Equatable {
        case everything
        /// A host name and every name under it.
        case domain(String)
        /// An address and how many leading bits must match.
        case network([UInt8], bits: Int)
    }

    var pattern: Pattern
    var port: Int?

    static func parse(_ text: String, variable: String) throws(ConfigurationError) -> Self {
        func problem(_ reason: String) -> ConfigurationError {
            ConfigurationError(
                "\(variable) entry '\(text)' \(reason); list host names, .domains, IP addresses or networks (10.0.0.0/8), or *"
            )
        }
        if text == "*" { return Self(pattern: .everything, port: nil) }
        var body = Substring(text)
        var port: Int?
        if body.hasPrefix("[") {
            guard let close = body.firstIndex(of: "]") else { throw problem("lacks its ']'") }
            let after = body[body.index(after: close)...]
            body = body[body.index(after: body.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()), (1...65_535).contains(number) else {
                    throw problem("has no valid port after ']'")
                }
                port = number
            }
        } else if body.filter({ $0 == ":" }).count == 1, let colon = body.firstIndex(of: ":") {
            guard let number = Int(body[body.index(after: colon)...]), (1...65_535).contains(number) else {
                throw problem("has no valid port after ':'")
            }
            port = number
            body = body[..<colon]
        }
        var bits: Int?
        if let slash = body.firstIndex(of: "/") {
            guard let number = Int(body[body.index(after: slash)...]) else {
                throw problem("has no prefix length after '/'")
            }
            bits = number
            body = body[..<slash]
        }
        if let address = IPAddress.bytes(String(body)) {
            let width = address.count * 8
            guard (0...width).contains(bits ?? width) else { throw problem("has a prefix length outside 0-\(width)") }
            return Self(pattern: .network(address, bits: bits ?? width), port: port)
        }
        guard bits == nil else { throw problem("is a network, but not of an IP address") }
        var name = body.lowercased()
        while name.hasPrefix(".") { name.removeFirst() }
        while name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw problem("is not a host name")
        }
        return Self(pattern: .domain(name), port: port)
    }

    /// Whether a request to `host` (lower case, no brackets) on `port` goes direct.
    func matches(_ host: String, port: Int) -> Bool {
        if let wanted = self.port, wanted != port { return false }
        switch pattern {
        case .everything:
            return true
        case .domain(let name):
            // An address is matched as an address only: `0.0.1` is no suffix of `127.0.0.1`.
            guard IPAddress.bytes(host) == nil else { return false }
            var host = Substring(host)
            if host.hasSuffix(".") { host = host.dropLast() }
            return host == name || host.hasSuffix("." + name)
        case .network(let network, let bits):
            guard let address = IPAddress.bytes(host), address.count == network.count else { return false }
            for bit in 0..<bits where (address[bit / 8] ^ network[bit / 8]) & (0x80 >> UInt8(bit % 8)) != 0 {
                return false
            }
            return true
        }
    }
}
