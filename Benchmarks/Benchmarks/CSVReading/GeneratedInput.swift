import Foundation

/// An input like scripts/bench's, made by its own generator (scripts/lib/gen_input.py) in the
/// temporary folder when the benchmarks start: half basic and half OAuth 2 rows.
struct GeneratedInput: Sendable {
    /// The generator's shapes.
    enum Shape: String, CaseIterable, Sendable {
        /// 11 columns, quoted values with commas and doubled quotes in every other row.
        case bench
        /// 13 columns, a quoted description holding several commas in every row.
        case described

        /// Values per record.
        var columns: Int { self == .bench ? 11 : 13 }
    }

    let path: String
    /// Data rows, the header not counted.
    let rows: Int
    let shape: Shape

    init(rows: Int, shape: Shape) {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let generator = repository.appendingPathComponent("scripts/lib/gen_input.py").path
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowbatch-\(shape)-\(rows).csv").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", generator, "--rows", String(rows), "--shape", shape.rawValue, "--out", path]
        do {
            try process.run()
        } catch {
            fatalError("cannot run \(generator): \(error)")
        }
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "\(generator) exited \(process.terminationStatus)")
        self.path = path
        self.rows = rows
        self.shape = shape
    }
}
