import FlowBatchTestSupport
import Foundation
import Testing

@testable import FlowBatch
@testable import FlowBatchIngest
@testable import FlowBatchModel
@testable import FlowBatchReport

@Suite("Results file", .timeLimit(.minutes(2)))
struct ResultsWriterTests {
    func outcome(
        _ sequence: Int,
        _ result: RowOutcome.Result? = nil,
        name: String? = nil,
        extras: [String] = []
    ) -> RowOutcome {
        RowOutcome(
            sequence: sequence,
            row: sequence + 2,
            name: name ?? "n\(sequence)",
            sandbox: "prod",
            auth: .basic,
            result ?? .created(.init(id: "id-\(sequence)")),
            attempts: 1,
            extras: extras
        )
    }

    @Test("writes a byte-exact file: header, our columns, then the input's own, with quoting and neutralised formulas")
    func byteExact() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.csv")
        let writer = try ResultsWriter(path: path, extraHeaders: ["owner", "note"])
        var first = outcome(
            0,
            .created(.init(id: "id-0", etag: "\"3702dabc-0000\""), .init(httpStatus: 201, requestID: "req-1")),
            name: "Acme, \"Inc\"",
            extras: ["data-eng", "=HYPERLINK(\"x\")"]
        )
        first.durationMS = 42
        let second = outcome(
            1,
            .failed(.init(code: "FLOW-1415-400", message: "The auth spec name is invalid"), .init(httpStatus: 400)),
            name: "Línea\nnueva 東京",
            extras: ["-5", "@sum"]
        )
        try writer.add(second)
        try writer.add(first)
        try writer.finish()
        let expected = #"""
            row,name,sandbox,auth,status,connection_id,etag,http_status,attempts,error_code,error,request_id,duration_ms,owner,note
            2,"Acme, ""Inc""",prod,basic,created,id-0,3702dabc-0000,201,1,,,req-1,42,data-eng,"'=HYPERLINK(""x"")"
            3,"Línea
            nueva 東京",prod,basic,failed,,,400,1,FLOW-1415-400,The auth spec name is invalid,,,'-5,'@sum

            """#
        #expect(try directory.read("out.csv") == expected)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("no half file is ever visible: the results appear only when finished")
    func atomicRename() throws {
        let directory = try TemporaryDirectory()
        let writer = try ResultsWriter(path: directory.file("out.csv"), extraHeaders: [])
        try writer.add(outcome(0))
        #expect(!directory.exists("out.csv"))
        try writer.finish()
        #expect(directory.exists("out.csv"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
    }

    @Test("outcomes in any order come out in input order, also past the memory limit", arguments: [2, 7, 1000])
    func ordering(memoryLimit: Int) throws {
        let directory = try TemporaryDirectory()
        let writer = try ResultsWriter(path: directory.file("out.csv"), extraHeaders: [], memoryLimit: memoryLimit)
        // One row stuck for a long time while the others finish, then a shuffled tail.
        var order = Array(1..<500) + [0]
        order += Array(500..<700).shuffled()
        for sequence in order { try writer.add(outcome(sequence)) }
        try writer.finish()
        let rows = try directory.read("out.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(rows == (0..<700).map { Substring(String($0 + 2)) })
    }

    @Test("values read back with our reader exactly as written, except neutralised formulas")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let names = [
            "plain", "comma, inside", "quote \" inside", "line\nbreak", "crlf\r\nbreak", " spaces ", "東京 ✓", "\"\"", "",
        ]
        let writer = try ResultsWriter(path: directory.file("out.csv"), extraHeaders: ["x"])
        for (index, name) in names.enumerated() { try writer.add(outcome(index, name: name, extras: [name])) }
        try writer.finish()
        var cursor = try CSVReader(path: directory.file("out.csv")).makeCursor()
        _ = try cursor.next()
        var read: [String] = []
        while let record = try cursor.next() {
            #expect(record.problem == nil)
            read.append(record.fields[1])
            #expect(record.fields.last == record.fields[1])
        }
        #expect(read == names)
    }
}

@Suite("Journal", .timeLimit(.minutes(2)))
struct JournalTests {
    static let row = JournalEvent.Row(sandbox: "prod", name: "Acme \"CRM\"\n/東京\t\u{7F}", row: 7)
    static let sending = JournalEvent.Sending(attempt: 2, content: "fp1", secrets: "sfp1", preexisting: ["a", "b"])

    /// Each kind of event, with and without its optional parts.
    static let everyKind: [JournalEvent] = [
        .manifest(
            JournalManifest(
                input: "/in.csv",
                endpoint: "https://e/",
                org: "O@AdobeOrg",
                defaultSandbox: "prod",
                ifExists: "update",
                oauthSpecName: "OAuth2 Refresh Code",
                keyID: "k1"
            )
        ),
        .manifest(
            JournalManifest(
                input: "",
                endpoint: "https://e",
                org: "O",
                defaultSandbox: "dev",
                ifExists: "skip",
                oauthSpecName: "x"
            )
        ),
        .resume,
        .attempt(row, sending),
        .attempt(row, .init(attempt: 1, content: "fp1", secrets: nil, preexisting: [])),
        .attempt(
            row,
            .init(attempt: 1, content: "fp1", secrets: nil, preexisting: [], createdAfter: 1_796_694_775_000)
        ),
        .attempt(row, .init(attempt: 1, content: "fp1", secrets: nil, preexisting: [], createdAfter: .min)),
        .patch(row, id: "id-1", sending),
        .unsent(row),
        .created(row, .init(content: "fp1", secrets: "sfp1", id: "id-1", etag: "\"e1\"", requestID: "r1")),
        .created(row, .init(content: "fp1", secrets: nil, id: "id-1")),
        .exists(row, .init(content: "fp1", secrets: nil, id: "id-2")),
        .updated(row, .init(content: "fp2", secrets: "sfp2", id: "id-1", etag: "\"e2\"", requestID: nil)),
        .failed(row, .init(code: "FLOW-1", error: "it failed", status: 503, ambiguous: true, requestID: "r2")),
        .failed(row, .init(code: "timeout", error: "no answer", status: nil, ambiguous: false, requestID: nil)),
        .invalid(row, code: "invalid-url", error: "host: 'x' is not an absolute http(s) URL"),
        .deleted(row, id: "id-1", etag: ""),
        .tested(row, id: "id-1", etag: "\"e1\"", passed: true),
        .tested(row, id: "id-1", etag: "\"e1\"", passed: false),
    ]

    @Test("the events above are every kind there is")
    func everyKindListed() throws {
        let kinds = try Self.everyKind.map {
            try #require(
                JSONSerialization.jsonObject(with: Data(JournalRecord($0).encoded())) as? [String: Any]
            )["event"] as? String
        }
        #expect(Set(kinds).count == 12)
    }

    @Test(
        "each kind of event is one JSON line that reads back the same, as JSONEncoder's document does",
        arguments: everyKind
    )
    func roundTrip(event: JournalEvent) throws {
        let record = JournalRecord(event, at: 1_700_000_000_123)
        let line = record.encoded()
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(try JSONDecoder().decode(JournalRecord.self, from: Data(line)) == record)
        let encoded = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(JournalRecord.self, from: encoded) == record)
        let written = try JSONSerialization.jsonObject(with: Data(line)) as? NSDictionary
        #expect(written == (try JSONSerialization.jsonObject(with: encoded) as? NSDictionary))
    }

    @Test(
        "a line that lacks what its kind needs, or of no known kind, is not read",
        arguments: [
            #"{"event":"created","at":1,"sandbox":"prod","name":"A","row":2,"fp":"f"}"#,
            #"{"event":"attempt","at":1,"sandbox":"prod","name":"A","attempt":1,"fp":"f","pre":[]}"#,
            #"{"event":"tested","at":1,"sandbox":"prod","name":"A","row":2,"id":"i","etag":""}"#,
            #"{"event":"renamed","at":1,"sandbox":"prod","name":"A","row":2}"#,
            #"{"event":"resume"}"#,
        ]
    )
    func incompleteLine(line: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(JournalRecord.self, from: Data(line.utf8)) }
    }

    func write(_ events: [JournalEvent], to directory: TemporaryDirectory, tail: String = "") throws -> String {
        var bytes = JournalRecord(
            .manifest(
                JournalManifest(
                    input: "/in.csv",
                    endpoint: "https://e",
                    org: "O@AdobeOrg",
                    defaultSandbox: "prod",
                    ifExists: "skip",
                    oauthSpecName: "OAuth2 Refresh Code"
                )
            )
        ).encoded()
        for event in events { bytes += JournalRecord(event, at: 0).encoded() }
        bytes += Array(tail.utf8)
        return try directory.write("j", bytes: bytes)
    }

    func row(_ name: String) -> JournalEvent.Row { .init(sandbox: "prod", name: name, row: 2) }

    func attempt(_ name: String, pre: [String] = []) -> JournalEvent {
        .attempt(row(name), .init(attempt: 1, content: "fp", secrets: nil, preexisting: pre))
    }

    func created(_ name: String, id: String) -> JournalEvent {
        .created(row(name), .init(content: "fp", secrets: nil, id: id))
    }

    func failed(_ name: String, ambiguous: Bool) -> JournalEvent {
        .failed(row(name), .init(code: "c", error: "e", status: nil, ambiguous: ambiguous, requestID: nil))
    }

    func invalid(_ name: String) -> JournalEvent { .invalid(row(name), code: "c", error: "e") }

    @Test("resume state: created sticks, an unanswered attempt means look up first, failures are tried again")
    func resumeState() throws {
        let directory = try TemporaryDirectory()
        let path = try write(
            [
                attempt("A"), created("A", id: "id-a"), invalid("A"),
                attempt("B", pre: ["old"]),
                attempt("C"), failed("C", ambiguous: false),
                attempt("D"), failed("D", ambiguous: true),
                attempt("E"), invalid("E"),
                created("F", id: "id-f"), .deleted(row("F"), id: "id-f", etag: ""),
            ],
            to: directory
        )
        let state = try #require(try ResumeState.load(path: path))
        #expect(state.entry(sandbox: "prod", name: "A")?.done?.connectionID == "id-a")
        #expect(
            state.entry(sandbox: "prod", name: "B")
                == ResumeState.Entry(row: 2, done: nil, lookUpFirst: true, preexisting: ["old"], sentContent: "fp")
        )
        #expect(state.entry(sandbox: "prod", name: "C")?.lookUpFirst == false)
        #expect(state.entry(sandbox: "prod", name: "D")?.lookUpFirst == true)
        #expect(state.entry(sandbox: "prod", name: "E")?.lookUpFirst == true)
        #expect(state.entry(sandbox: "prod", name: "F")?.done == nil)
        #expect(state.notes.isEmpty)
    }

    @Test("a torn last line is ignored and reported, never fatal")
    func tornLine() throws {
        let directory = try TemporaryDirectory()
        let path = try write(
            [created("A", id: "id-a")],
            to: directory,
            tail: #"{"event":"created","at":1,"sandbox":"prod","na"#
        )
        let state = try #require(try ResumeState.load(path: path))
        #expect(state.entry(sandbox: "prod", name: "A")?.done != nil)
        #expect(
            state.notes == [
                "the journal's last line was cut off (the previous run stopped while writing it); it was ignored"
            ]
        )
    }

    @Test("a journal for another endpoint, org or sandbox names the difference")
    func manifestConflict() {
        let base = JournalManifest(
            input: "/a.csv",
            endpoint: "https://e1/",
            org: "O1",
            defaultSandbox: "prod",
            ifExists: "skip",
            oauthSpecName: "x"
        )
        var other = base
        #expect(base.conflict(with: other) == nil)
        other.endpoint = "https://e1"
        #expect(base.conflict(with: other) == nil)
        other.endpoint = "https://e2"
        other.org = "O2"
        #expect(
            base.conflict(with: other) == "it was written for endpoint https://e1/ (now https://e2), org O1 (now O2)"
        )
    }

    @Test("group commit: many concurrent durable appends share few syncs")
    func groupCommit() async throws {
        let directory = try TemporaryDirectory()
        let writer = try JournalWriter(path: directory.file("j"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                group.addTask {
                    try await writer.appendDurably(JournalRecord(attempt("R\(index)"), at: 0).encoded())
                }
            }
            try await group.waitForAll()
        }
        let lines = try directory.read("j").split(separator: "\n")
        #expect(lines.count == 400)
        #expect(writer.syncCount >= 1)
        #expect(writer.syncCount < 400)
    }

    @Test("a run's pattern, a batch of appends then one flush, costs one sync and no write before it")
    func batchThenFlush() async throws {
        let directory = try TemporaryDirectory()
        let writer = try JournalWriter(path: directory.file("j"))
        var bytes = 0
        for index in 0..<200 {
            let line = JournalRecord(created("R\(index)", id: "id"), at: 0).encoded()
            bytes += line.count
            writer.append(line)
        }
        #expect(bytes < JournalWriter.writeThreshold)
        #expect(try directory.read("j").isEmpty)
        try await writer.flush()
        #expect(try directory.read("j").split(separator: "\n").count == 200)
        #expect(writer.syncCount == 1)
    }

    @Test("a second writer on the same journal is refused")
    func exclusive() throws {
        let directory = try TemporaryDirectory()
        let first = try JournalWriter(path: directory.file("j"))
        #expect(throws: RunError.self) { _ = try JournalWriter(path: directory.file("j")) }
        _ = first
    }
}

@Suite("Hashes", .timeLimit(.minutes(2)))
struct HashTests {
    @Test("SHA-256 matches the FIPS 180-2 vectors (what the journal's fingerprints were made with)")
    func sha256() {
        #expect(
            Digest.sha256(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(Digest.sha256([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Digest.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
        #expect(
            Digest.sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hex
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        )
    }

    @Test("HMAC-SHA-256 matches RFC 4231")
    func hmac() {
        #expect(
            Digest.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)).hex
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        )
        #expect(
            Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)).hex
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
        #expect(
            Digest.hmacSHA256(
                key: [UInt8](repeating: 0xaa, count: 131),
                message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
            ).hex == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        )
    }
}

@Suite("JSON text", .timeLimit(.minutes(2)))
struct JSONWriterTests {
    @Test(
        "strings come back exactly as given: quotes, backslashes, every control byte, DEL, non-Latin scripts",
        arguments: [
            "", "plain", "\"quoted\"", "back\\slash", "line\nbreak\r\ttab", "\u{7F}", "Зеркало «Ω» 接続 🚀",
            String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self), "end\\",
        ]
    )
    func stringRoundTrip(value: String) throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("value", value)
        writer.endObject()
        #expect(!writer.bytes.contains { $0 < 0x20 || $0 == 0x7F })
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(writer.bytes))
        #expect(decoded == ["value": value])
    }
}

@Suite("Run summary", .timeLimit(.minutes(2)))
struct RunSummaryTests {
    func summary(_ counts: [RowStatus: Int], seconds: Double) -> RunSummary {
        RunSummary(
            rows: counts.values.reduce(0, +),
            counts: counts,
            topErrors: [],
            requests: 0,
            p50: nil,
            p95: nil,
            p99: nil,
            elapsedSeconds: seconds,
            resultsPath: "r.csv",
            journalPath: nil,
            recovered: 0,
            changedSinceCreated: 0,
            stoppedBecause: nil,
            exitCode: 0
        )
    }

    @Test("the rate counts the rows settled, not those a stopped run never reached")
    func rateLeavesOutRowsNotRun() {
        #expect(summary([.created: 30, .failed: 10, .notRun: 960], seconds: 2).rowsPerSecond == 20)
        #expect(summary([.notRun: 10_000], seconds: 0.1).rowsPerSecond == 0)
        #expect(summary([.created: 5, .exists: 5], seconds: 0).rowsPerSecond == 0)
        #expect(summary([.notRun: 4, .invalid: 6], seconds: 3).text.hasPrefix("10 rows in 3.0 s (2.0 rows/s)"))
    }
}
