import FlowBatchTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The misbehaving server of `Resources/hostile_server.py`, started for one test.
final class HostileServer {
    let port: Int
    private let process: Process

    /// Starts the server in `mode` (`tls` or `redirect`); files go to `directory`. Waits for its port
    /// with `Task.sleep`, never by blocking a thread that other tests' mocks need.
    init(mode: String, directory: TemporaryDirectory) async throws {
        let script = Repository.root + "/Tests/EndToEndTests/Resources/hostile_server.py"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, mode, directory.path]
        let output = directory.file("server-\(mode).out")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        var found: Int?
        for _ in 0..<200 where found == nil {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                found = Int(line.dropFirst("listening on ".count))
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        guard let found else {
            process.terminate()
            throw CocoaError(.fileReadUnknown)
        }
        port = found
    }

    /// SIGKILL needs no wait: Foundation reaps the child, and nothing reuses its port (it bound port 0).
    deinit {
        kill(process.processIdentifier, SIGKILL)
    }
}
