import FlowBatchModel
import Foundation
import NIOSSL

/// How the transport reaches hosts: through which proxies, and trusting which certificate authorities.
///
/// Certificates are always verified; these settings only say whom to trust. `SSL_CERT_FILE`
/// *replaces* the system trust store, as it does for OpenSSL and curl; `--ca-file` *adds* to
/// whichever store is in force (e.g. a TLS-inspecting proxy's authority).
public struct NetworkSettings: Sendable {
    /// Certificates read from a PEM file.
    public struct Certificates: Sendable {
        /// The file, as given.
        public var path: String
        /// Where the path came from: `--ca-file`, or the variable.
        public var origin: String
        let certificates: [NIOSSLCertificate]

        /// How many certificates the file holds.
        public var count: Int { certificates.count }

        /// Reads every certificate of the PEM file at `path`.
        ///
        /// - Throws: ``ConfigurationError`` naming `origin` when the file cannot be read or holds no
        ///   PEM certificate.
        public static func load(path: String, origin: String) throws(ConfigurationError) -> Certificates {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("\(origin) \(path): the file cannot be read")
            }
            let certificates = (try? NIOSSLCertificate.fromPEMBytes(Array(data))) ?? []
            guard !certificates.isEmpty else {
                throw ConfigurationError(
                    "\(origin) \(path): not a PEM file of certificates (it should hold '-----BEGIN CERTIFICATE-----' blocks)"
                )
            }
            return Certificates(path: path, origin: origin, certificates: certificates)
        }
    }

    /// The proxies, from the environment.
    public var proxies = ProxyEnvironment()
    /// Trusted instead of the system trust store (`SSL_CERT_FILE`, `CURL_CA_BUNDLE` or
    /// `REQUESTS_CA_BUNDLE`); `nil` for the system's.
    public var trustRoots: Certificates?
    /// Trusted as well (`--ca-file`).
    public var additionalTrustRoots: Certificates?
    /// Whether HTTP/2 may be negotiated (by ALPN, over TLS); `FLOWBATCH_BENCH_HTTP2=1` allows it, for
    /// the bench that measures it against HTTP/1.1 (see `HTTPTransport`).
    public var allowsHTTP2 = false

    /// Direct connections, the system trust store.
    public init() {}

    /// Reads the proxy variables, the trust store variables and the `--ca-file` path.
    ///
    /// - Throws: ``ConfigurationError`` naming the variable or option whose value cannot be used.
    public static func resolve(
        caFile: String?,
        environment: [String: String]
    ) throws(ConfigurationError) -> NetworkSettings {
        var settings = NetworkSettings()
        settings.proxies = try ProxyEnvironment.from(environment)
        // The first one set, as the tools that define them read them: OpenSSL's, curl's, Python requests'.
        for variable in trustStoreVariables {
            guard let path = environment[variable], !path.isEmpty else { continue }
            settings.trustRoots = try Certificates.load(path: path, origin: variable)
            break
        }
        if let caFile {
            settings.additionalTrustRoots = try Certificates.load(path: caFile, origin: "--ca-file")
        }
        settings.allowsHTTP2 = environment["FLOWBATCH_BENCH_HTTP2"] == "1"
        return settings
    }

    /// The variables that replace the system trust store, the first set winning.
    public static let trustStoreVariables = ["SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"]

    /// Where Linux distributions keep the system's trust store as one file.
    static let systemBundles: Set<String> = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    ]

    /// What a run prints at its start: how each of `urls` is reached and whom it trusts.
    public func notes(for urls: [String]) -> [String] {
        var notes = proxies.notes(for: urls)
        // SSL_CERT_FILE naming the system's own bundle (as some images set it) changes nothing worth a note.
        if let trustRoots, !Self.systemBundles.contains(trustRoots.path) {
            notes.append(
                "trusting only the \(trustRoots.count) certificate(s) of \(trustRoots.origin) \(trustRoots.path), not the system's"
            )
        }
        if let additionalTrustRoots {
            notes.append(
                "also trusting the \(additionalTrustRoots.count) certificate(s) of --ca-file \(additionalTrustRoots.path)"
            )
        }
        return notes
    }

    /// The client TLS configuration: full verification, with these trust roots.
    var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let trustRoots { tls.trustRoots = .certificates(trustRoots.certificates) }
        if let additionalTrustRoots { tls.additionalTrustRoots = [.certificates(additionalTrustRoots.certificates)] }
        return tls
    }
}
