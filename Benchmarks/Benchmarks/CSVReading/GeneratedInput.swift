import Foundation

/// An input like scripts/bench's, made by its own generator (scripts/lib/gen_input.py) in the
/// temporary folder when the benchmarks start: 11 columns, half basic and half OAuth 2 rows,
/// quoted values with commas and doubled quotes in every other row.
struct GeneratedInput: Sendable {
    /// Values per record.
    static let columns = 11

    let path: String
    /// Data rows, the header not counted.
    let rows: Int

    init(rows: Int) {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let generator = repository.appendingPathComponent("scripts/lib/gen_input.py").path
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowbatch-bench-\(rows).csv").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", generator, "--rows", String(rows), "--out", path]
        do {
            try process.run()
        } catch {
            fatalError("cannot run \(generator): \(error)")
        }
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "\(generator) exited \(process.terminationStatus)")
        self.path = path
        self.rows = rows
    }
}
