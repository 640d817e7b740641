import FlowBatchTestSupport
import FlowServiceMock
import Foundation
import Testing

/// `run --if-exists update`, `export` fed back, and `test`: the spreadsheet as the desired state.
@Suite("credential rotation, export and test, with the built binary", .serialized, .timeLimit(.minutes(10)))
struct RotationTests {
    /// A generated input with rows `changed` rotated: a new password (basic) or token (OAuth), and
    /// for every third changed row a new host too.
    static func rotated(_ harness: MockHarness, rows: Int, changed: Set<Int>, name: String = "in.csv") throws -> String
    {
        var text = "name,sandbox,auth,host,username,password,accessToken,refreshToken,clientSecret,ticket\n"
        for index in 0..<rows {
            let rotate = changed.contains(index)
            let host = rotate && index % 3 == 0 ? "https://moved\(index).example.com" : "https://h\(index).example.com"
            if index % 2 == 0 {
                let password = rotate ? newSecret(index) : MockHarness.password(index)
                text += "Row \(index),,basic,\(host),u\(index),\(password),,,,T-\(index)\n"
            } else {
                let token = rotate ? newSecret(index) : MockHarness.token(index)
                text +=
                    "Row \(index),,oauth2,\(host),,,\(token),\(MockHarness.refresh(index)),\(MockHarness.rowClientSecret(index)),T-\(index)\n"
            }
        }
        return try harness.directory.write(name, text)
    }

    static func newSecret(_ index: Int) -> String { "rotated-\(index)-S3CRET" }

    /// Every file of the folder but the inputs, and the outputs of the runs, for a secret sweep.
    static func expectNoSecret(
        _ harness: MockHarness,
        rows: Int,
        outputs: [ToolResult],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let secrets = MockHarness.secrets(rows: rows) + (0..<rows).map(newSecret)
        let files = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
            .filter { !$0.hasPrefix("in") && !$0.hasPrefix("filled") || $0.contains("results") }
        for file in files {
            guard let text = try? String(contentsOfFile: harness.directory.file(file), encoding: .utf8) else {
                continue
            }
            for secret in secrets {
                #expect(!text.contains(secret), "\(file) holds \(secret)", sourceLocation: sourceLocation)
            }
        }
        for output in outputs {
            for secret in secrets {
                #expect(!output.allOutput.contains(secret), "output holds \(secret)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(
        "rotated passwords, tokens and hosts: exactly those rows are updated, the rest unchanged, and a second run sends no PATCH"
    )
    func rotation() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 12)
            let created = try await harness.run(input)
            #expect(created.status == 0, "\(created.allOutput)")
            let changed: Set<Int> = [0, 1, 3, 6, 11]
            _ = try Self.rotated(harness, rows: 12, changed: changed)
            let update = try await harness.run(input, ["--if-exists", "update"])
            #expect(update.status == 0, "\(update.allOutput)")
            let rows = try harness.results(harness.directory.file("in.results.csv"))
            for (index, row) in rows.enumerated() {
                #expect(row["status"] == (changed.contains(index) ? "updated" : "unchanged"), "\(row)")
            }
            #expect(harness.mock.stats().count("PATCH /connections/{id}", status: "200") == changed.count)
            let hosts = Dictionary(
                uniqueKeysWithValues: harness.mock.connections(sandbox: "prod").map {
                    ($0.name, $0.params["host"] ?? "")
                }
            )
            #expect(hosts["Row 0"] == "https://moved0.example.com")
            #expect(hosts["Row 3"] == "https://moved3.example.com")
            #expect(hosts["Row 1"] == "https://h1.example.com")
            // The new etag lands in the results.
            let etags = Dictionary(
                // Without the quotes the service gives it ("…"), as a spreadsheet cell holds it.
                uniqueKeysWithValues: harness.mock.connections(sandbox: "prod").map {
                    ($0.name, String($0.etag.dropFirst().dropLast()))
                }
            )
            #expect(rows.allSatisfy { etags[$0["name"]!] == $0["etag"] }, "\(rows.map { $0["etag"]! })")

            let again = try await harness.run(input, ["--if-exists", "update"])
            #expect(again.status == 0, "\(again.allOutput)")
            #expect(
                try harness.results(harness.directory.file("in.results.csv")).allSatisfy { $0["status"] == "unchanged" }
            )
            #expect(harness.mock.stats().total("PATCH /connections/{id}") == changed.count)
            #expect(again.stdout.contains("every connection matches its row"), "\(again.stdout)")
            #expect(harness.mock.connections(sandbox: nil).count == 12)
            try Self.expectNoSecret(harness, rows: 12, outputs: [created, update, again])
            // The results now say updated or unchanged, but a run created every one: undo deletes them all.
            let undo = try await CommandLineTool.run(
                [
                    "undo", harness.directory.file("in.results.csv"), "--yes", "--endpoint",
                    harness.mock.flowServiceURL,
                    "--ims-url", harness.mock.baseURL,
                ],
                environment: harness.environment
            )
            #expect(undo.status == 0, "\(undo.allOutput)")
            #expect(harness.mock.connections(sandbox: nil).isEmpty)
        }
    }

    @Test("a connection changed behind flowbatch's back (its etag stale) is read again and still updated")
    func staleEtag() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 10)
            #expect(try await harness.run(input).status == 0)
            _ = try Self.rotated(harness, rows: 10, changed: Set(0..<10))
            try harness.mock.updateFaults { $0.latency = .milliseconds(150) }
            let target = try #require(harness.mock.connections(sandbox: "prod").first { $0.name == "Row 9" })
            // One row at a time, in order: when the first patch is answered, row 9's is 1 s away.
            let running = try harness.start(input, ["--if-exists", "update", "--concurrency", "1"])
            try await waitUntil { harness.mock.stats().total("PATCH /connections/{id}") >= 1 }
            #expect(harness.mock.touchConnection(id: target.id) != nil)
            let result = try await running.wait()
            #expect(result.status == 0, "\(result.allOutput)")
            let rows = try harness.results(harness.directory.file("in.results.csv"))
            #expect(rows.allSatisfy { $0["status"] == "updated" }, "\(rows.map { $0["status"]! })")
            #expect(harness.mock.stats().count("PATCH /connections/{id}", status: "412") == 1)
            #expect(harness.mock.stats().count("PATCH /connections/{id}", status: "200") == 10)
        }
    }

    @Test("kill -9 in the middle of an update, then the same command: every row once, none created again")
    func killDuringUpdate() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 40)
            #expect(try await harness.run(input).status == 0)
            _ = try Self.rotated(harness, rows: 40, changed: Set(0..<40))
            try harness.mock.updateFaults { $0.latency = .milliseconds(80) }
            let running = try harness.start(input, ["--if-exists", "update", "--concurrency", "2"])
            try await waitUntil { harness.mock.stats().total("PATCH /connections/{id}") >= 6 }
            running.send(SIGKILL)
            _ = try await running.wait()
            try harness.mock.updateFaults { $0.latency = .zero }
            let resumed = try await harness.run(input, ["--if-exists", "update"])
            #expect(resumed.status == 0, "\(resumed.allOutput)")
            let rows = try harness.results(harness.directory.file("in.results.csv"))
            #expect(rows.count == 40)
            #expect(
                rows.allSatisfy { $0["status"] == "updated" || $0["status"] == "unchanged" },
                "\(rows.map { $0["status"]! })"
            )
            // A patch the killed run sent may be sent again (a replace is idempotent); none is lost.
            #expect(harness.mock.stats().count("PATCH /connections/{id}", status: "200") >= 40)
            #expect(harness.mock.connections(sandbox: nil).count == 40)
            #expect(harness.mock.stats().duplicateNames.isEmpty)
            let again = try await harness.run(input, ["--if-exists", "update"])
            #expect(
                try harness.results(harness.directory.file("in.results.csv")).allSatisfy { $0["status"] == "unchanged" }
            )
            #expect(again.status == 0)
        }
    }

    @Test(
        "an export, filled in with secrets and fed back under a fresh --out, updates every connection; undo deletes none of them"
    )
    func exportFedBack() async throws {
        try await MockHarness.with { harness in
            let input = try harness.writeInput(rows: 8)
            #expect(try await harness.run(input).status == 0)
            let exported = try await CommandLineTool.run(
                ["export", "--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL],
                environment: harness.environment
            )
            #expect(exported.status == 0, "\(exported.allOutput)")
            let filled = try harness.directory.write(
                "filled.csv",
                ExportAndCheckTests.filled(SimpleCSV.records(exported.stdout))
            )
            let fresh = harness.directory.file("fresh.results.csv")
            let update = try await harness.run(filled, ["--if-exists", "update", "--out", fresh])
            #expect(update.status == 0, "\(update.allOutput)")
            let header = try String(contentsOfFile: fresh, encoding: .utf8).prefix { $0 != "\n" }.split(separator: ",")
            #expect(Set(header).count == header.count, "a header appears twice: \(header)")
            #expect(header.contains("input_connection_id") && header.contains("input_etag"), "\(header)")
            let rows = try harness.results(fresh)
            #expect(rows.count == 8)
            #expect(rows.allSatisfy { $0["status"] == "updated" }, "\(rows.map { $0["status"]! })")
            #expect(harness.mock.connections(sandbox: nil).count == 8)
            let undo = try await CommandLineTool.run(
                ["undo", fresh, "--yes", "--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL],
                environment: harness.environment
            )
            #expect(undo.stdout.contains("nothing to undo"), "\(undo.allOutput)")
            #expect(harness.mock.connections(sandbox: nil).count == 8)
        }
    }

    @Test(
        "test marks the connections whose host cannot be reached false and exits 1; running it again tests nothing anew"
    )
    func testConnections() async throws {
        try await MockHarness.with { harness in
            var text = "name,host,username,password,owner\n"
            for index in 0..<6 {
                let host = index % 3 == 0 ? "https://gone\(index).invalid" : "https://h\(index).example.com"
                text += "Row \(index),\(host),u,pw-\(index)-S3CRET,team\n"
            }
            let input = try harness.directory.write("in.csv", text + "Bad,,u,pw,team\n")
            let run = try await harness.run(input)
            #expect(run.status == 1, "\(run.allOutput)")
            let results = harness.directory.file("in.results.csv")
            let platform = ["--endpoint", harness.mock.flowServiceURL, "--ims-url", harness.mock.baseURL]
            let tested = try await CommandLineTool.run(["test", results] + platform, environment: harness.environment)
            #expect(tested.status == 1, "\(tested.allOutput)")
            #expect(tested.stdout.contains("passed 4, failed 2"), "\(tested.stdout)")
            let rows = SimpleCSV.records(
                try String(contentsOfFile: harness.directory.file("in.results.test.csv"), encoding: .utf8)
            )
            #expect(rows.count == 7)
            for row in rows.prefix(6) {
                #expect(
                    row["result"] == (row["name"] == "Row 0" || row["name"] == "Row 3" ? "false" : "true"),
                    "\(row)"
                )
                #expect(row["owner"] == "team")
            }
            #expect(rows.last?["status"] == "invalid" && rows.last?["result"] == "")
            #expect(harness.mock.stats().total("GET /connections/{id}/test") == 6)
            let again = try await CommandLineTool.run(["test", results] + platform, environment: harness.environment)
            #expect(again.status == 1)
            #expect(harness.mock.stats().total("GET /connections/{id}/test") == 6)
            for secret in (0..<6).map({ "pw-\($0)-S3CRET" }) {
                #expect(!tested.allOutput.contains(secret))
                #expect(
                    !(try String(contentsOfFile: harness.directory.file("in.results.test.csv"), encoding: .utf8))
                        .contains(secret)
                )
            }
        }
    }
}
