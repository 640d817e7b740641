import Foundation

/// A certificate authority and a server certificate it signed for `localhost` and `127.0.0.1`,
/// made with the `openssl` command-line tool in a scratch folder (PEM files).
public struct TestCertificates: Sendable {
    /// The authority's certificate: what a client must trust.
    public let authorityPath: String
    /// The server's certificate.
    public let certificatePath: String
    /// The server's private key.
    public let keyPath: String

    /// Makes a fresh authority and server certificate in `directory`.
    public init(in directory: TemporaryDirectory) throws {
        authorityPath = directory.file("ca.pem")
        certificatePath = directory.file("server.pem")
        keyPath = directory.file("server.key")
        let extensions = try directory.write(
            "server.cnf",
            """
            subjectAltName=DNS:localhost,IP:127.0.0.1
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """
        )
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(
            ["req", "-x509"] + key + ["-keyout", directory.file("ca.key"), "-out", authorityPath, "-days", "2"]
                + ["-subj", "/CN=flowbatch test CA", "-addext", "basicConstraints=critical,CA:TRUE"]
                + ["-addext", "keyUsage=critical,keyCertSign,cRLSign"]
        )
        try Self.openssl(
            ["req"] + key + ["-keyout", keyPath, "-out", directory.file("server.csr"), "-subj", "/CN=localhost"]
        )
        try Self.openssl(
            [
                "x509", "-req", "-in", directory.file("server.csr"), "-CA", authorityPath, "-CAkey",
                directory.file("ca.key"),
            ]
                + ["-CAcreateserial", "-out", certificatePath, "-days", "2", "-extfile", extensions]
        )
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailed(arguments: arguments, status: process.terminationStatus)
        }
    }
}

/// `openssl` failed (is it installed? `scripts/lib/ensure-deps` installs it).
public struct OpenSSLFailed: Error, CustomStringConvertible {
    public var arguments: [String]
    public var status: Int32

    public var description: String {
        "openssl \(arguments.joined(separator: " ")) exited with \(status); scripts/lib/ensure-deps installs openssl"
    }
}
