import FlowBatchTestSupport
import Foundation
import Testing

@Suite("flowbatch mock", .timeLimit(.minutes(3)))
struct MockCommandTests {
    /// The `flowbatch` executable that `swift build` put beside this test binary.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent()
            .appendingPathComponent("flowbatch")
    }

    static func launch(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["mock"] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return (process, output, errors)
    }

    /// Reads `handle` up to and including the first newline (or to its end).
    static func firstLine(of handle: FileHandle) async -> String {
        // Off the cooperative pool: the read blocks until the mock prints.
        (try? await offPool {
            var bytes = Data()
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                bytes.append(chunk)
            }
            return String(decoding: bytes, as: UTF8.self)
        }) ?? ""
    }

    @Test("It prints exactly one 'listening on' line with the real port, serves, and exits 0 on SIGTERM")
    func listensAndStops() async throws {
        let built = FileManager.default.isExecutableFile(atPath: Self.executable.path)
        try #require(built, "flowbatch is not built at \(Self.executable.path)")
        let (process, output, errors) = try Self.launch(["--port", "0", "--static-token", "cli-token"])
        let line = await Self.firstLine(of: output.fileHandleForReading)
        let match = try #require(line.wholeMatch(of: /listening on (http:\/\/127\.0\.0\.1:(\d+))\n/))
        #expect(Int(match.2)! > 0)

        let answer = try await MockSession.send(
            .GET,
            url: "\(match.1)/data/foundation/flowservice/connections",
            headers: MockSession.platformHeaders(token: "cli-token")
        )
        #expect(answer.status == 200)

        process.terminate()
        let rest = await output.fileHandleForReading.readToEndOffPool()
        await process.exited()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(rest.isEmpty)
        let logged = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!logged.contains("cli-token"))
    }

    @Test("An invalid option exits 64 with the option named, before listening")
    func invalidOptionIsAUsageError() async throws {
        let built = FileManager.default.isExecutableFile(atPath: Self.executable.path)
        try #require(built, "flowbatch is not built at \(Self.executable.path)")
        let (process, output, errors) = try Self.launch(["--port", "0", "--latency", "fast"])
        let printed = await output.fileHandleForReading.readToEndOffPool()
        await process.exited()
        #expect(process.terminationStatus == 64)
        #expect(printed.isEmpty)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("--latency: 'fast' is not a duration"))
    }

    @Test("At --log-level trace the log shows neither the client secret nor the static token, only ***")
    func traceLogMasksSecrets() async throws {
        let built = FileManager.default.isExecutableFile(atPath: Self.executable.path)
        try #require(built, "flowbatch is not built at \(Self.executable.path)")
        let secret = "cli-secret-8d1e"
        let (process, output, errors) = try Self.launch([
            "--port", "0", "--log-level", "trace", "--client-secret", secret, "--static-token", "cli-token-5f2a",
        ])
        let line = await Self.firstLine(of: output.fileHandleForReading)
        let match = try #require(line.wholeMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)\n/))
        let token = try await MockSession.send(
            .POST,
            url:
                "\(match.1)/ims/token/v3?client_id=flowbatch-demo&client_secret=\(secret)&grant_type=client_credentials",
            headers: []
        )
        #expect(token.status == 200)
        let listed = try await MockSession.send(
            .GET,
            url: "\(match.1)/data/foundation/flowservice/connections",
            headers: MockSession.platformHeaders(token: "cli-token-5f2a")
        )
        #expect(listed.status == 200)
        process.terminate()
        await process.exited()
        let logged = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(logged.contains("clientSecret: ***"), "\(logged)")
        #expect(logged.contains("GET /data/foundation/flowservice/connections 200"), "\(logged)")
        for value in [secret, "cli-token-5f2a"] {
            #expect(!logged.contains(value), "\(value) leaked into the log: \(logged)")
        }
    }

    @Test("The new fault options reach the mock: one OAuth name, a forbidden sandbox")
    func faultOptions() async throws {
        let built = FileManager.default.isExecutableFile(atPath: Self.executable.path)
        try #require(built, "flowbatch is not built at \(Self.executable.path)")
        let (process, output, _) = try Self.launch([
            "--port", "0", "--static-token", "cli-token", "--oauth-spec-name", "oAuth2RefreshCode",
            "--forbidden-sandboxes", "dev",
        ])
        let line = await Self.firstLine(of: output.fileHandleForReading)
        let match = try #require(line.wholeMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)\n/))
        let base = "\(match.1)/data/foundation/flowservice"
        let spec = try await MockSession.send(
            .GET,
            url: "\(base)/connectionSpecs/\(MockSession.genericRESTSpecID)",
            headers: MockSession.platformHeaders(token: "cli-token")
        )
        let authSpecs = try #require((try spec.items().first?["authSpec"]) as? [[String: Any]])
        #expect(authSpecs.map { $0["name"] as? String } == ["Basic Authentication", "oAuth2RefreshCode"])
        let forbidden = try await MockSession.send(
            .GET,
            url: "\(base)/connections",
            headers: MockSession.platformHeaders(sandbox: "dev", token: "cli-token")
        )
        #expect(forbidden.status == 403)
        process.terminate()
        await process.exited()
        #expect(process.terminationStatus == 0)
    }

    @Test("--outage-for without --outage-at exits 64 and says what is missing")
    func outageNeedsItsStart() async throws {
        let built = FileManager.default.isExecutableFile(atPath: Self.executable.path)
        try #require(built, "flowbatch is not built at \(Self.executable.path)")
        let (process, _, errors) = try Self.launch(["--port", "0", "--outage-for", "2s"])
        await process.exited()
        #expect(process.terminationStatus == 64)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("--outage-for needs --outage-at too."), "\(message)")
    }
}
