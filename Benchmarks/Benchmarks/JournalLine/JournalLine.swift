import Benchmark
import FlowBatchReport
import Foundation

/// The journal lines a run writes for each created row (its `attempt` and its `created`), 1,000
/// rows, written two ways: `JournalRecord.encoded()` (the hand-written `JSONWriter`, keys in a fixed
/// order) and Foundation's `JSONEncoder` on the same `Codable` record (each checked to write the same
/// JSON document). One iteration writes all 2,000 lines.
///
/// Two runs (2026-12-02, release, 2 cores shared with other builds, load 9 to 12; no instruction
/// counts on this machine): `encoded()` 7.25 and 7.30 ms median wall (2.98 and 3.02 ms fastest),
/// 7,016 allocations; `JSONEncoder` 29.9 and 32.1 ms (13.6 and 14.5 ms), 36 K: the hand-written path
/// wins by 4.1-4.4x (median; 4.6-4.8x fastest), so it stays. The lines of the version before
/// `JournalEvent` (a struct of optionals, the same `JSONWriter` calls), in two runs beside these:
/// 8.82 and 5.23 ms median (3.19 and 3.01 ms fastest), 7,016 allocations: the same within the noise.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .instructions, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(5),
        maxIterations: 2_000
    )

    let records = SampleLines.make(rows: 1_000)
    SampleLines.checkSameJSON(records)

    Benchmark("Journal line: JournalRecord.encoded (JSONWriter)") { benchmark in
        for _ in benchmark.scaledIterations {
            for record in records {
                blackHole(record.encoded())
            }
        }
    }

    Benchmark("Journal line: JSONEncoder on the Codable record") { benchmark in
        let encoder = SampleLines.encoder
        for _ in benchmark.scaledIterations {
            for record in records {
                var line = try encoder.encode(record)
                line.append(UInt8(ascii: "\n"))
                blackHole(line)
            }
        }
    }
}

/// The lines of rows like those of scripts/lib/gen_input.py, read back as records, as a resumed run
/// reads them.
enum SampleLines {
    /// Compact, `/` not escaped, as `encoded()` writes.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    static func make(rows: Int) -> [JournalRecord] {
        let decoder = JSONDecoder()
        return (0..<rows).flatMap { index -> [JournalRecord] in
            let row = #""sandbox":"prod","name":"Source \#(String(format: "%07d", index))","row":\#(index + 2)"#
            let fingerprints = #""fp":"\#(hex(index))","sfp":"\#(hex(index + 7))""#
            let lines = [
                #"{"event":"attempt","at":1764641234567,\#(row),"attempt":1,\#(fingerprints),"pre":[]}"#,
                #"{"event":"created","at":1764641234589,\#(row),\#(fingerprints),"id":"\#(uuid(index))","#
                    + #""etag":"\"\#(uuid(index + 1))\"","requestId":"\#(uuid(index + 2))"}"#,
            ]
            return lines.map { try! decoder.decode(JournalRecord.self, from: Data($0.utf8)) }
        }
    }

    /// Stops the run unless both ways write the same JSON document for every record.
    static func checkSameJSON(_ records: [JournalRecord]) {
        for record in records {
            let written = try! JSONSerialization.jsonObject(with: Data(record.encoded())) as! NSDictionary
            let encoded = try! encoder.encode(record)
            let decoded = try! JSONSerialization.jsonObject(with: encoded) as! NSDictionary
            precondition(written == decoded, "JSONEncoder wrote \(String(decoding: encoded, as: UTF8.self))")
        }
    }

    /// 32 hex digits made from `seed`.
    private static func hex(_ seed: Int) -> String {
        let first = UInt64(truncatingIfNeeded: seed &+ 1) &* 0x9E37_79B9_7F4A_7C15
        return String(format: "%016llx%016llx", first, first &* 0xBF58_476D_1CE4_E5B9)
    }

    private static func uuid(_ seed: Int) -> String {
        let digits = hex(seed)
        var text = ""
        for (offset, character) in digits.enumerated() {
            if [8, 12, 16, 20].contains(offset) { text.append("-") }
            text.append(character)
        }
        return text
    }
}
