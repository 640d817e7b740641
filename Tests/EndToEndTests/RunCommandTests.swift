import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

@Suite("flowbatch run against the mock, as a built binary", .serialized, .timeLimit(.minutes(10)))
struct RunCommandTests {
    @Test("every row of the mixed sample is created, with the input's own columns carried")
    func createsEverything() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "mixed.csv",
                String(contentsOfFile: Repository.sample("mixed.csv"), encoding: .utf8)
            )
            let result = try await harness.run(input, ["--summary-json", harness.directory.file("summary.json")])
            #expect(result.status == 0, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("mixed.results.csv"))
            harness.expectExactlyOnce(results, rows: 40)
            #expect(
                results.allSatisfy { $0["status"] == "created" && $0["attempts"] == "1" && $0["http_status"] == "201" }
            )
            #expect(results.first?["owner"] == "finance-ops")
            #expect(results.first?["ticket"] == "ONB-1001")
            #expect(results.map { $0["row"]! } == (2...41).map(String.init))
            #expect(harness.mock.stats().connections == 40)
            let summary =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: harness.directory.file("summary.json")))
                ) as? [String: Any]
            #expect((summary?["counts"] as? [String: Int])?["created"] == 40)
            #expect(summary?["exitCode"] as? Int == 0)
            #expect(result.stdout.contains("Running the same command again sends nothing"))
        }
    }

    @Test("a storm of 429s with Retry-After slows the run down but every row is created once")
    func throttleStorm() async throws {
        try await MockHarness.with({ $0.faults.throttleRPS = 40 }) { harness in
            let input = try harness.writeInput(rows: 150)
            let result = try await harness.run(input, ["--concurrency", "16"])
            #expect(result.status == 0, "\(result.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 150)
            #expect(harness.mock.stats().count("POST /connections", status: "429") > 0)
        }
    }

    @Test("5% of creates answered 500 or 503 are retried until every row is created")
    func serverErrors() async throws {
        try await MockHarness.with({
            $0.faults.errorRate = 0.05
            $0.faults.seed = 11
        }) { harness in
            let input = try harness.writeInput(rows: 300)
            let result = try await harness.run(input, ["--concurrency", "16"])
            #expect(result.status == 0, "\(result.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 300)
            let stats = harness.mock.stats()
            #expect(
                stats.count("POST /connections", status: "500") + stats.count("POST /connections", status: "503") > 0
            )
        }
    }

    @Test("3% ambiguous failures (created, then 504 or dropped) create no duplicate: names are looked up first")
    func ambiguousFailures() async throws {
        try await MockHarness.with({
            $0.faults.ambiguousRate = 0.03
            $0.faults.seed = 5
        }) { harness in
            let input = try harness.writeInput(rows: 400)
            let result = try await harness.run(
                input,
                ["--concurrency", "16", "--summary-json", harness.directory.file("s.json")]
            )
            #expect(result.status == 0, "\(result.allOutput)")
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 400)
            let stats = harness.mock.stats()
            #expect(stats.connections == 400)
            #expect(
                stats.count("POST /connections", status: "504") + stats.count("POST /connections", status: "drop") > 0
            )
            let summary = try String(contentsOfFile: harness.directory.file("s.json"), encoding: .utf8)
            #expect(!summary.contains("\"recovered\":0"))
        }
    }

    @Test("tokens that expire every 2 s are renewed during the run")
    func expiringTokens() async throws {
        try await MockHarness.with({
            $0.tokenLifetime = .seconds(2)
            $0.faults.latency = .milliseconds(25)
        }) { harness in
            let input = try harness.writeInput(rows: 360)
            let started = ContinuousClock.now
            let result = try await harness.run(input, ["--concurrency", "4"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(ContinuousClock.now - started > .seconds(2))
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 360)
            #expect(harness.mock.stats().count("POST /ims/token/v3", status: "200") >= 2)
        }
    }

    @Test("a sandbox that does not exist stops the run at once: exit 2, few requests, the rest not-run")
    func missingSandbox() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 200, sandbox: "nosuch")
            let result = try await harness.run(input, ["--concurrency", "4"])
            #expect(result.status == 2, "\(result.allOutput)")
            #expect(result.stderr.contains("sandbox 'nosuch' does not exist"))
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.count == 200)
            #expect(results.allSatisfy { $0["status"] == "not-run" || $0["status"] == "failed" })
            #expect(results.filter { $0["status"] == "not-run" }.count >= 190)
            #expect(harness.mock.stats().total("POST /connections") <= 4)
            #expect(result.stdout.contains("Running the same command again tries the"))
        }
    }

    @Test(
        "credentials the gateway refuses at the start exit 64 before any connection or file is written",
        arguments: [
            ("AEP_API_KEY", "not-the-client-id", "403003"),
            ("AEP_ORG_ID", "OTHER@AdobeOrg", "403027"),
        ]
    )
    func refusedCredentials(_ variable: String, _ value: String, _ message: String) async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 20)
            let result = try await harness.run(input, environment: [variable: value])
            #expect(result.status == 64, "\(result.allOutput)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(harness.mock.stats().connections == 0)
            #expect(!FileManager.default.fileExists(atPath: harness.directory.file("in.results.csv")))
            #expect(!FileManager.default.fileExists(atPath: harness.directory.file("in.results.csv.journal")))
            #expect(!result.allOutput.contains("wrong-S3CRET"))
        }
    }

    @Test("--rate spaces requests: never faster than asked")
    func rateLimit() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 21)
            let started = ContinuousClock.now
            let result = try await harness.run(input, ["--rate", "20", "--concurrency", "16"])
            let elapsed = ContinuousClock.now - started
            #expect(result.status == 0, "\(result.allOutput)")
            // 21 creates and 1 listing at 20 per second take at least a second.
            #expect(elapsed >= .seconds(1))
            #expect(harness.mock.stats().connections == 21)
        }
    }

    @Test("--rate paces the start-of-run listing too, page by page")
    func rateLimitPacesTheListing() async throws {
        try await MockHarness.with { harness in
            for index in 0..<2_950 { harness.mock.insertConnection(name: "Existing \(index)") }
            // A name holding a comma cannot be looked up: the listing reads every page.
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password\n\"Acme, Inc\",https://a.example.com,u,p1-S3CRET\nPlain,https://b.example.com,u,p2-S3CRET\n"
            )
            let started = ContinuousClock.now
            let result = try await harness.run(input, ["--rate", "2"])
            let elapsed = ContinuousClock.now - started
            #expect(result.status == 0, "\(result.allOutput)")
            // 3 pages of 1,000 and the count: 4 listing requests, then 2 creates; 6 requests at 2 per
            // second take at least 2.5 s, where the creates alone would take 0.5 s. At the end the
            // names it created are looked up again for duplicates, the same 4 requests (paced too).
            #expect(harness.mock.stats().total("GET /connections") == 8)
            #expect(elapsed >= .milliseconds(2500))
            #expect(harness.mock.stats().connections == 2_952)
        }
    }

    @Test("a small file in a big sandbox looks its names up instead of reading every page")
    func smallFileInBigSandboxLooksNamesUp() async throws {
        try await MockHarness.with { harness in
            for index in 0..<2_500 { harness.mock.insertConnection(name: "Existing \(index)") }
            // Taken after the first page: only a look-up finds it.
            let taken = harness.mock.insertConnection(name: "Row 3")
            let input = try harness.writeInput(rows: 5)
            let result = try await harness.run(input)
            #expect(result.status == 0, "\(result.allOutput)")
            // The first page, the count, one look-up of the five names; at the end one look-up of the four
            // names it created (the look-up for duplicates).
            #expect(harness.mock.stats().total("GET /connections") == 4)
            let results = try harness.results(harness.directory.file("in.results.csv"))
            harness.expectExactlyOnce(results, rows: 5)
            let row3 = try #require(results.first { $0["name"] == "Row 3" })
            #expect(row3["status"] == "exists")
            #expect(row3["connection_id"] == taken.id)
            #expect(results.filter { $0["status"] == "created" }.count == 4)
        }
    }

    @Test("a service that refuses pages of 1,000 is asked again in its own pages of 100")
    func smallerPagesWhenTheLargestIsRefused() async throws {
        try await MockHarness.with { configuration in
            configuration.faults.largestPage = 100
        } _: { harness in
            for index in 0..<2_500 { harness.mock.insertConnection(name: "Existing \(index)") }
            let taken = harness.mock.insertConnection(name: "Row 1")
            let input = try harness.writeInput(rows: 3)
            let result = try await harness.run(input, ["--log-level", "warning"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(result.stderr.contains("refused pages of 1000"), "\(result.allOutput)")
            // The refused page, the first page of 100, the count, one look-up of the names in pages of 100;
            // at the end one look-up of the names created (in pages of 100 from the start), for duplicates.
            #expect(harness.mock.stats().total("GET /connections") == 5)
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.first { $0["name"] == "Row 1" }?["connection_id"] == taken.id)
            #expect(results.filter { $0["status"] == "created" }.count == 2)
        }
    }

    @Test("rows refused with a 400 are failed with the service's code while the others are created")
    func rowErrors() async throws {
        try await MockHarness.with { harness in
            var text = "name,host,accessToken,authorizationTestUrl\n"
            for index in 0..<10 {
                let testURL = index == 3 ? "https://auth.unreachable.invalid/me" : ""
                text += "Row \(index),https://h.example.com,tok-\(index)-S3CRET,\(testURL)\n"
            }
            let input = try harness.directory.write("in.csv", text)
            let result = try await harness.run(input)
            #expect(result.status == 1, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.filter { $0["status"] == "created" }.count == 9)
            let failed = try #require(results.first { $0["status"] == "failed" })
            #expect(failed["row"] == "5")
            // Adobe documents no code for a failed credential test: the mock's own, as it gave it.
            #expect(failed["error_code"] == "MOCK-4003-400")
            #expect(failed["http_status"] == "400")
            #expect(failed["attempts"] == "1")
            #expect(result.stdout.contains("Most common errors:"))
        }
    }

    @Test("invalid rows are reported with their row numbers and are not sent; the rest are created")
    func invalidRows() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "name,host,username,password\nA,https://a.example.com,u,p1-S3CRET\nB,not-a-url,u,p2-S3CRET\nA,https://a.example.com,u,p3-S3CRET\n\nC,https://c.example.com,,p4-S3CRET\n"
            )
            let result = try await harness.run(input)
            #expect(result.status == 1)
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["row"]! } == ["2", "3", "4", "6"])
            #expect(results.map { $0["status"]! } == ["created", "invalid", "invalid", "invalid"])
            #expect(results.map { $0["error_code"]! } == ["", "invalid-url", "duplicate-name", "missing-field"])
            #expect(results[2]["error"] == "name: the same name is already used by row 2 in sandbox prod")
            #expect(harness.mock.stats().total("POST /connections") == 1)
        }
    }

    @Test("--if-exists skip records names already in the sandbox as exists; create makes another")
    func ifExists() async throws {
        try await MockHarness.with { harness in
            let existing = harness.mock.insertConnection(name: "Row 1")
            let input = try harness.writeInput(rows: 3)
            let skipped = try await harness.run(input)
            #expect(skipped.status == 0)
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["status"]! } == ["created", "exists", "created"])
            #expect(results[1]["connection_id"] == existing.id)
            let created = try await harness.run(
                input,
                ["--if-exists", "create", "--out", harness.directory.file("again.csv")]
            )
            #expect(created.status == 0)
            let again = try harness.results(harness.directory.file("again.csv"))
            #expect(again.map { $0["status"]! } == ["created", "created", "created"])
            #expect(harness.mock.stats().duplicateNames == ["Row 0", "Row 1", "Row 2"])
        }
    }

    /// `--if-exists create` lists nothing, yet after an ambiguous answer (created, then 504 or dropped)
    /// its look-up must tell its own connection from those that existed before: by `createdAt`, later
    /// than the sandbox's newest connection at the start. Taking the older one would have `undo` delete
    /// a connection the run did not make, and the end-of-run look-up would call every such name a
    /// duplicate.
    @Test("--if-exists create: after ambiguous creates of names already there, each row records the one it made")
    func ifExistsCreateAmbiguous() async throws {
        try await MockHarness.with({
            $0.faults.ambiguousRate = 1
            $0.faults.seed = 7
        }) { harness in
            let before = (0..<3).map { harness.mock.insertConnection(name: "Row \($0)").id }
            let input = try harness.writeInput(rows: 3)
            let result = try await harness.run(input, ["--if-exists", "create"])
            // Exit 0: the end-of-run look-up, which compares with the start's count, reports no duplicate.
            #expect(result.status == 0, "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["status"]! } == ["created", "created", "created"])
            let stats = harness.mock.stats()
            #expect(stats.connections == 6)
            #expect(stats.total("POST /connections") == 3)
            // The newest connection at the start, a look-up after each ambiguous answer, one at the end.
            #expect(stats.total("GET /connections") == 5)
            for (row, old) in zip(results, before) {
                let named = harness.mock.connections(sandbox: nil).filter { $0.name == row["name"] }.map(\.id)
                #expect(named.count == 2)
                #expect(row["connection_id"] != old, "\(row["name"]!): recorded the connection that was there before")
                #expect(named.contains(row["connection_id"] ?? ""))
            }
        }
    }

    @Test(
        "--if-exists create lists nothing: into 2,500 connections it asks for the newest one, and takes none there before"
    )
    func ifExistsCreateListsNothing() async throws {
        try await MockHarness.with { harness in
            for index in 0..<2_500 { harness.mock.insertConnection(name: "Existing \(index)") }
            let before = harness.mock.insertConnection(name: "Row 1").id
            let input = try harness.writeInput(rows: 5)
            let result = try await harness.run(input, ["--if-exists", "create", "--log-level", "info"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(!result.allOutput.contains("Duplicates"), "\(result.allOutput)")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            #expect(results.map { $0["status"]! } == Array(repeating: "created", count: 5))
            #expect(!results.contains { $0["connection_id"] == before })
            let stats = harness.mock.stats()
            #expect(stats.connections == 2_506)
            // The sandbox's newest connection; at the end, one look-up of the five names made.
            #expect(stats.total("GET /connections") == 2, "\(stats.requests)")
            #expect(result.stderr.contains("not listed (--if-exists create)"), "\(result.stderr)")
        }
    }

    @Test("--dry-run sends nothing that writes, masks secrets, and shows what exists")
    func dryRun() async throws {
        try await MockHarness.with { harness in
            harness.mock.insertConnection(name: "Row 0")
            let input = try harness.writeInput(rows: 4)
            let result = try await harness.run(input, ["--dry-run", "--log-level", "trace"])
            #expect(result.status == 0, "\(result.allOutput)")
            #expect(result.stdout.contains("row 2: exists \"Row 0\" in prod"))
            #expect(result.stdout.contains("row 3: create \"Row 1\" in prod (oauth2)"))
            #expect(result.stdout.contains("\"accessToken\":\"***\""))
            #expect(
                result.stdout.contains(
                    "plan for 4 rows: 3 to create, 0 done earlier, 1 exist, 0 invalid; nothing was sent"
                )
            )
            #expect(harness.mock.stats().total("POST /connections") == 0)
            #expect(!harness.directory.exists("in.results.csv"))
            #expect(!harness.directory.exists("in.results.csv.journal"))
            for secret in MockHarness.secrets(rows: 4) { #expect(!result.allOutput.contains(secret), "\(secret)") }
            // After a canary, the plan knows what is done; --restart plans as if there were no journal.
            #expect(try await harness.run(input, ["--limit", "2"]).status == 0)
            let resumed = try await harness.run(input, ["--dry-run"])
            #expect(resumed.stdout.contains("row 3: done earlier: created \"Row 1\" in prod"), "\(resumed.allOutput)")
            #expect(
                resumed.stdout.contains(
                    "plan for 4 rows: 2 to create, 2 done earlier, 0 exist, 0 invalid; nothing was sent"
                )
            )
            let restarted = try await harness.run(input, ["--dry-run", "--restart"])
            #expect(
                restarted.stdout.contains(
                    "plan for 4 rows: 2 to create, 0 done earlier, 2 exist, 0 invalid; nothing was sent"
                )
            )
            let elsewhere = try await harness.run(input, ["--dry-run", "--sandbox", "dev"])
            #expect(elsewhere.status == 64)
            #expect(elsewhere.stderr.contains("belongs to another run"))
        }
    }

    @Test("--limit runs a canary of the first rows")
    func limit() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 20)
            let result = try await harness.run(input, ["--limit", "3"])
            #expect(result.status == 0)
            #expect(try harness.results(harness.directory.file("in.results.csv")).count == 3)
            #expect(harness.mock.stats().connections == 3)
            #expect(result.stderr.contains("--limit 3: only the first 3 data rows are read"), "\(result.stderr)")
            let rest = try await harness.run(input)
            #expect(rest.status == 0)
            #expect(!rest.stderr.contains("--limit"))
            harness.expectExactlyOnce(try harness.results(harness.directory.file("in.results.csv")), rows: 20)
        }
    }

    @Test("a small run's results file is exactly as specified, byte for byte")
    func byteExactResults() async throws {
        try await MockHarness.with { harness in
            let input = try harness.directory.write(
                "in.csv",
                "Name,Host,User Name,Password,Owner,Notes\r\n\"Acme, Inc\",https://a.example.com,u,p-S3CRET,ops,=1+2\r\nB,https://b.example.com,u,p-S3CRET,\"x\"\"y\",\r\n"
            )
            let result = try await harness.run(input, ["--concurrency", "1"])
            #expect(result.status == 0, "\(result.allOutput)")
            let text = try harness.directory.read("in.results.csv")
            let connections = harness.mock.connections(sandbox: "prod")
            let results = try harness.results(harness.directory.file("in.results.csv"))
            let acme = try #require(connections.first { $0.name == "Acme, Inc" })
            let b = try #require(connections.first { $0.name == "B" })
            // The service's etag is quoted ("…"); the results hold it without its quotes, not as """…""".
            func etag(_ value: String) -> String {
                #expect(value.hasPrefix("\"") && value.hasSuffix("\""))
                return String(value.dropFirst().dropLast())
            }
            let expected =
                "row,name,sandbox,auth,status,connection_id,etag,http_status,attempts,error_code,error,request_id,duration_ms,Owner,Notes\n"
                + "2,\"Acme, Inc\",prod,basic,created,\(acme.id),\(etag(acme.etag)),201,1,,,\(results[0]["request_id"]!),\(results[0]["duration_ms"]!),ops,'=1+2\n"
                + "3,B,prod,basic,created,\(b.id),\(etag(b.etag)),201,1,,,\(results[1]["request_id"]!),\(results[1]["duration_ms"]!),\"x\"\"y\",\n"
            #expect(text == expected)
            #expect(!results[0]["request_id"]!.isEmpty)
            #expect(Int(results[0]["duration_ms"]!) != nil)
        }
    }

    @Test("no secret appears in any output, even with trace logging and failures")
    func secretsNeverLeak() async throws {
        try await MockHarness.with({
            $0.faults.errorRate = 0.2
            $0.faults.ambiguousRate = 0.1
            $0.faults.seed = 3
        }) { harness in
            let input = try harness.writeInput(rows: 30)
            let result = try await harness.run(
                input,
                ["--log-level", "trace", "--summary-json", harness.directory.file("summary.json")]
            )
            #expect(result.status == 0 || result.status == 1, "\(result.allOutput)")
            let outputs = [
                result.stdout, result.stderr, try harness.directory.read("in.results.csv"),
                try harness.directory.read("in.results.csv.journal"), try harness.directory.read("summary.json"),
            ]
            for secret in MockHarness.secrets(rows: 30) {
                for output in outputs { #expect(!output.contains(secret), "\(secret) leaked") }
            }
            #expect(result.stderr.contains("POST /connections"))
        }
    }
}
