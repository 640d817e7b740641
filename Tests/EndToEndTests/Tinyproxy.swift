import FlowBatchTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Debian's `tinyproxy` on a free loopback port, in the foreground, with its own config and log;
/// stopped by ``stop()`` (`scripts/lib/ensure-deps` installs it).
final class Tinyproxy: @unchecked Sendable {
    let port: Int
    let logPath: String
    private let process = Process()

    /// Starts the proxy, allowing `CONNECT` to `connectPort`, optionally demanding Basic credentials;
    /// returns once its log says it accepts connections.
    init(
        directory: TemporaryDirectory,
        connectPort: Int,
        credentials: (user: String, password: String)? = nil
    ) async throws {
        port = try Self.freePort()
        logPath = directory.file("tinyproxy.log")
        var config = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 60
            LogFile "\(logPath)"
            LogLevel Info
            MaxClients 64
            Allow 127.0.0.1
            ConnectPort \(connectPort)

            """
        if let credentials { config += "BasicAuth \(credentials.user) \(credentials.password)\n" }
        let configPath = try directory.write("tinyproxy.conf", config)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tinyproxy", "-d", "-c", configPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while !log.contains("Accepting connections") {
            guard process.isRunning else { throw TinyproxyFailed(log: log) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The log so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The `CONNECT host:port` targets the proxy was asked for, in order.
    var tunnels: [String] {
        log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "): CONNECT ") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != " " })
        }
    }

    /// `http://127.0.0.1:PORT`, with `user:password@` when given.
    func url(user: String? = nil, password: String? = nil) -> String {
        let userinfo = user.map { "\($0)\(password.map { ":\($0)" } ?? "")@" } ?? ""
        return "http://\(userinfo)127.0.0.1:\(port)"
    }

    /// Kills the proxy (it keeps nothing): a child of the test process may inherit SIGTERM blocked.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TinyproxyFailed(log: "socket() failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TinyproxyFailed(log: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// tinyproxy did not start.
struct TinyproxyFailed: Error, CustomStringConvertible {
    var log: String
    var description: String { "tinyproxy did not start (scripts/lib/ensure-deps installs it):\n\(log)" }
}
