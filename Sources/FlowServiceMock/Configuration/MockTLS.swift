import NIOSSL

/// The certificate and key the mock serves HTTPS with.
public struct MockTLS: Sendable, Equatable {
    /// A PEM file with the server's certificate, optionally followed by its chain.
    public var certificatePath: String
    /// A PEM file with the certificate's private key.
    public var privateKeyPath: String
    /// Offer HTTP/2 by ALPN beside HTTP/1.1 (Hummingbird's HTTP/2 channel); `false` serves
    /// HTTP/1.1 alone, as a gateway that offers nothing else would.
    public var http2: Bool

    /// Serves HTTPS with the PEM files at these paths, HTTP/2 too when `http2`.
    public init(certificatePath: String, privateKeyPath: String, http2: Bool = false) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.http2 = http2
    }

    /// The server's TLS configuration, read from the files.
    ///
    /// - Throws: ``MockConfigurationError`` naming `tls-cert` or `tls-key` when a file cannot be
    ///   read as PEM.
    func serverConfiguration() throws(MockConfigurationError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(self.certificatePath)
        } catch {
            throw MockConfigurationError(.unusableFile, option: "tls-cert", value: self.certificatePath)
        }
        guard !chain.isEmpty else {
            throw MockConfigurationError(.unusableFile, option: "tls-cert", value: self.certificatePath)
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: self.privateKeyPath, format: .pem)
        } catch {
            throw MockConfigurationError(.unusableFile, option: "tls-key", value: self.privateKeyPath)
        }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
    }
}
