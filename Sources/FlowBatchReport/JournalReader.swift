import FlowBatchModel
import Foundation

/// The one reader of journals: `run`'s resume (``ResumeState``) and `undo`'s and `test`'s own
/// journals. Each line is decoded with `JSONDecoder`; a cut or unreadable line is skipped and noted,
/// never fatal.
package enum JournalReader {
    /// Calls `body` with each record of the journal at `path`, in order, and returns what is worth
    /// telling the user (a torn last line, unreadable lines); `nil` when there is no journal.
    package static func read(
        path: String,
        _ body: (JournalRecord) throws(RunError) -> Void
    ) throws(RunError) -> [String]? {
        guard let file = fopen(path, "r") else {
            if errno == ENOENT { return nil }
            throw RunError(.localFile, "cannot read the journal \(path): \(SystemError.describe(errno))")
        }
        defer { fclose(file) }
        let decoder = JSONDecoder()
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var unreadable: [Int] = []
        var lineNumber = 0
        var lastLineCut = false
        while true {
            let length = getline(&line, &capacity, file)
            if length < 0 { break }
            lineNumber += 1
            let bytes = UnsafeRawBufferPointer(start: line, count: length)
            lastLineCut = bytes.last != UInt8(ascii: "\n")
            let content = Data(bytes)
            guard content.contains(where: { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: " ") }) else { continue }
            guard let record = try? decoder.decode(JournalRecord.self, from: content) else {
                unreadable.append(lineNumber)
                continue
            }
            try body(record)
        }
        var notes: [String] = []
        if let last = unreadable.last, last == lineNumber, lastLineCut || unreadable.count == 1 {
            notes.append(
                "the journal's last line was cut off (the previous run stopped while writing it); it was ignored"
            )
            unreadable.removeLast()
        }
        if !unreadable.isEmpty {
            notes.append(
                "\(unreadable.count) journal line\(unreadable.count == 1 ? "" : "s") could not be read and"
                    + " \(unreadable.count == 1 ? "was" : "were") ignored (line \(unreadable.prefix(5).map(String.init).joined(separator: ", "))\(unreadable.count > 5 ? ", …" : ""))"
            )
        }
        return notes
    }
}
