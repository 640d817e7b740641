import FlowBatchTestSupport
import Foundation
import Testing

@Suite("flowbatch mock", .timeLimit(.minutes(3)))
struct MockCommandTests {
    /// Starts `flowbatch mock` with `arguments`, through the one launcher of the tests.
    static func launch(_ arguments: [String]) throws -> RunningTool {
        try CommandLineTool.start(["mock"] + arguments)
    }

    @Test("It prints exactly one 'listening on' line with the real port, serves, and exits 0 on SIGTERM")
    func listensAndStops() async throws {
        let mock = try Self.launch(["--port", "0", "--static-token", "cli-token"])
        let line = try await mock.firstLine()
        let match = try #require(line.wholeMatch(of: /listening on (http:\/\/127\.0\.0\.1:(\d+))\n/))
        #expect(Int(match.2)! > 0)

        let answer = try await MockSession.send(
            .GET,
            url: "\(match.1)/data/foundation/flowservice/connections",
            headers: MockSession.platformHeaders(token: "cli-token")
        )
        #expect(answer.status == 200)

        mock.send(SIGTERM)
        let ended = try await mock.wait(timeout: 30)
        #expect(ended.status == 0, "exits 0, not by the signal: \(ended.status)")
        #expect(ended.stdout == line, "nothing but the one line on stdout: \(ended.stdout)")
        #expect(!ended.stderr.contains("cli-token"))
    }

    @Test("An invalid option exits 64 with the option named, before listening")
    func invalidOptionIsAUsageError() async throws {
        let mock = try Self.launch(["--port", "0", "--latency", "fast"])
        let ended = try await mock.wait(timeout: 30)
        #expect(ended.status == 64)
        #expect(ended.stdout.isEmpty)
        #expect(ended.stderr.contains("--latency: 'fast' is not a duration"))
    }

    @Test("At --log-level trace the log shows neither the client secret nor the static token, only ***")
    func traceLogMasksSecrets() async throws {
        let secret = "cli-secret-8d1e"
        let mock = try Self.launch([
            "--port", "0", "--log-level", "trace", "--client-secret", secret, "--static-token", "cli-token-5f2a",
        ])
        let line = try await mock.firstLine()
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
        mock.send(SIGTERM)
        let logged = try await mock.wait(timeout: 30).stderr
        #expect(logged.contains("clientSecret: ***"), "\(logged)")
        #expect(logged.contains("GET /data/foundation/flowservice/connections 200"), "\(logged)")
        for value in [secret, "cli-token-5f2a"] {
            #expect(!logged.contains(value), "\(value) leaked into the log: \(logged)")
        }
    }

    @Test("The new fault options reach the mock: one OAuth name, a forbidden sandbox")
    func faultOptions() async throws {
        let mock = try Self.launch([
            "--port", "0", "--static-token", "cli-token", "--oauth-spec-name", "oAuth2RefreshCode",
            "--forbidden-sandboxes", "dev",
        ])
        let line = try await mock.firstLine()
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
        mock.send(SIGTERM)
        #expect(try await mock.wait(timeout: 30).status == 0)
    }

    @Test("--http2 without --tls-cert exits 64: HTTP/2 is offered over HTTPS only")
    func http2NeedsTLS() async throws {
        let ended = try await Self.launch(["--port", "0", "--http2"]).wait(timeout: 30)
        #expect(ended.status == 64)
        #expect(ended.stderr.contains("--http2 is offered over HTTPS only"), "\(ended.stderr)")
    }

    @Test("--outage-for without --outage-at exits 64 and says what is missing")
    func outageNeedsItsStart() async throws {
        let mock = try Self.launch(["--port", "0", "--outage-for", "2s"])
        let ended = try await mock.wait(timeout: 30)
        #expect(ended.status == 64)
        #expect(ended.stderr.contains("--outage-for needs --outage-at too."), "\(ended.stderr)")
    }
}
