import FlowBatchTestSupport
import Foundation
import Testing

@testable import FlowBatch
@testable import FlowBatchModel
@testable import FlowBatchReport

/// Journals written by flowbatch before its journal events became an enum (the debug build of
/// commit 37ed921, against the mock: a run, an update run, a SIGTERM, a `kill -9`, then `test` and
/// `undo`; `Resources/journals/make-journals.sh` says how). A journal written by that version must resume
/// with this one, to the same state.
@Suite("Journals written by an earlier version", .timeLimit(.minutes(2)))
struct JournalCompatibilityTests {
    static func fixture(_ name: String) -> String {
        Repository.root + "/Tests/FlowBatchTests/Resources/journals/" + name
    }

    static let journals = ["run.journal", "undo.journal", "test.journal"]

    static func lines(_ name: String) throws -> [Substring] {
        try String(contentsOfFile: fixture(name), encoding: .utf8).split(separator: "\n")
    }

    @Test("the journals hold every kind of event")
    func everyKind() throws {
        let kinds = try Self.journals.flatMap(Self.lines).map { line in
            line.firstMatch(of: /"event":"([a-z]+)"/).map { String($0.1) } ?? ""
        }
        #expect(
            Set(kinds) == [
                "manifest", "resume", "attempt", "created", "exists", "failed", "invalid", "deleted", "patch",
                "updated", "tested", "unsent",
            ]
        )
    }

    @Test("every line reads back and is written again byte for byte", arguments: journals)
    func sameBytes(name: String) throws {
        for line in try Self.lines(name) {
            let record = try JSONDecoder().decode(JournalRecord.self, from: Data(line.utf8))
            #expect(String(decoding: record.encoded(), as: UTF8.self) == line + "\n")
        }
    }

    @Test("a run's journal resumes to the state the earlier version read from it, before and after undo")
    func resumesTheSame() throws {
        let directory = try TemporaryDirectory()
        let undone = try directory.write(
            "undone.journal",
            bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixture("run.journal"))))
                + Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixture("undo.journal"))))
        )
        let before = try #require(try ResumeState.load(path: Self.fixture("run.journal")))
        let after = try #require(try ResumeState.load(path: undone))
        let expected = try String(contentsOfFile: Self.fixture("run.resume.txt"), encoding: .utf8)
        #expect(Self.describe(before) + "--- after undo\n" + Self.describe(after) == expected)
    }

    @Test("the manifest's key ID is read: whether the secret fingerprints were made with this key")
    func keyID() throws {
        let state = try #require(try ResumeState.load(path: Self.fixture("run.journal")))
        #expect(state.manifest.keyID == "68ea3bbd83c5c51b")
    }

    @Test("test's and undo's own journals read as what an earlier test tested and an earlier undo deleted")
    func testAndUndoJournals() throws {
        let tested = try ConnectionsRun<ContinuousClock>.doneEarlier(.test, journalPath: Self.fixture("test.journal"))
        #expect(tested.count == 6)
        let basic = try #require(tested["8252201f-64a6-4cae-93ba-b888947f51ee"])
        #expect(basic.etag == #""bed6f165-0000-0200-0000-016b8b1a5071""#)
        #expect(
            tested.values.allSatisfy {
                if case .answered(BulkAnswer(yes: true), earlier: true) = $0.outcome { true } else { false }
            }
        )
        let deleted = try ConnectionsRun<ContinuousClock>.doneEarlier(
            .delete,
            journalPath: Self.fixture("undo.journal")
        )
        #expect(deleted.count == 5)
        #expect(deleted["8252201f-64a6-4cae-93ba-b888947f51ee"] != nil)
        #expect(
            deleted.values.allSatisfy {
                if case .answered(BulkAnswer(yes: true, alreadyDone: false), earlier: true) = $0.outcome {
                    true
                } else {
                    false
                }
            }
        )
    }

    /// Everything a resume reads from a journal, one line per sandbox and name, in order.
    static func describe(_ state: ResumeState) -> String {
        let manifest = state.manifest
        var text =
            "manifest: \(manifest.input) \(manifest.endpoint) \(manifest.org) \(manifest.defaultSandbox)"
            + " \(manifest.ifExists) \(manifest.oauthSpecName)\nnotes: \(state.notes)\n"
        for (key, entry) in state.entries.sorted(by: { $0.key < $1.key }) {
            let done = entry.done.map {
                "\($0.status.rawValue) \($0.connectionID) etag \($0.etag ?? "-") fp \($0.contentFingerprint ?? "-")"
                    + " sfp \($0.secretFingerprint ?? "-")"
            }
            text +=
                "\(key.replacingOccurrences(of: "\u{0}", with: "/")): done \(done ?? "-"); look up \(entry.lookUpFirst);"
                + " pre \(entry.preexisting); sent \(entry.sentContent ?? "-") \(entry.sentSecrets ?? "-")\n"
        }
        return text
    }
}
