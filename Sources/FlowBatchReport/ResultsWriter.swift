import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the results file: one row per input row, in input order, whatever order outcomes arrive
/// in, into a temporary file (mode 0600) that is renamed into place at the end, so that a reader
/// never sees half a file.
///
/// Outcomes wait in memory for the rows before them. A row stuck in retries while thousands of
/// others finish would make that wait unbounded, so past ``memoryLimit`` waiting lines the later half
/// is spilled as a sorted run to an unlinked temporary file; the writer merges the runs back in as
/// the gap closes. Memory stays bounded and the file is written in one pass.
public final class ResultsWriter {
    /// The columns before the input's own.
    public static let columns = [
        "row", "name", "sandbox", "auth", "status", "connection_id", "etag", "http_status", "attempts",
        "error_code", "error", "request_id", "duration_ms",
    ]

    /// The columns `run --through source|flow` adds after `etag`: the row's resources past its base
    /// connection, the last step done and the step a failed row failed at.
    public static let chainColumns = ["source_connection_id", "target_connection_id", "flow_id", "step", "failed_step"]

    /// The columns before the input's own: with ``chainColumns`` after `etag` when the run goes past
    /// the base connection (a `--through connection` results file is today's, byte for byte).
    public static func columns(chain: Bool) -> [String] {
        chain ? Array(columns[..<7]) + chainColumns + columns[7...] : columns
    }

    /// The final path.
    public let path: String
    /// Lines kept in memory before spilling.
    public let memoryLimit: Int
    private let temporaryPath: String
    private var output: BufferedFile
    private var waiting = LineHeap()
    private var runs: [SpillRun] = []
    private var spill: SpillFile?
    private var nextSequence = 0
    private var finished = false
    /// Whether the lines carry ``chainColumns``.
    private let chain: Bool

    /// The headers of the input's carried columns in the results: one named like a results column
    /// (an export fed back carries `connection_id` and `etag`) becomes `input_<name>`, so that no
    /// header appears twice.
    public static func carriedHeaders(_ extra: [String], chain: Bool = false) -> [String] {
        var taken = Set(columns(chain: chain).map { $0.lowercased() })
        return extra.map { header in
            var name = header
            var suffix = 1
            while taken.contains(name.lowercased()) {
                name = "input_\(header)" + (suffix > 1 ? "_\(suffix)" : "")
                suffix += 1
            }
            taken.insert(name.lowercased())
            return name
        }
    }

    /// Creates the temporary file beside `path` and writes the header; `extraHeaders` are the input's
    /// own columns, carried after ours.
    public init(path: String, extraHeaders: [String], chain: Bool = false, memoryLimit: Int = 8192) throws(RunError) {
        self.path = path
        self.chain = chain
        self.memoryLimit = max(2, memoryLimit)
        output = try TemporaryFiles.create(besides: path)
        temporaryPath = output.path
        try output.write(
            CSVLineEncoder.line(Self.columns(chain: chain) + Self.carriedHeaders(extraHeaders, chain: chain))
        )
    }

    deinit {
        if !finished { unlink(temporaryPath) }
        TemporaryFiles.unregister(temporaryPath)
    }

    /// Takes one outcome, in any order; each sequence number exactly once.
    public func add(_ outcome: RowOutcome) throws(RunError) {
        waiting.push(outcome.sequence, Self.line(for: outcome, chain: chain))
        try drain()
        if waiting.count > memoryLimit { try spillLaterHalf() }
    }

    /// Writes what is left, syncs, and renames the file into place.
    public func finish() throws(RunError) {
        try drain()
        guard waiting.count == 0, runs.allSatisfy(\.isExhausted) else {
            throw RunError(.localFile, "internal error: results for some rows never arrived (next \(nextSequence))")
        }
        try output.close(sync: true)
        guard rename(temporaryPath, path) == 0 else {
            throw RunError(.localFile, "cannot move the results into place at \(path): \(SystemError.describe(errno))")
        }
        JournalWriter.syncDirectory(of: path)
        finished = true
    }

    /// Writes every line whose predecessors are all written, from memory or from spilled runs.
    private func drain() throws(RunError) {
        while true {
            if let top = waiting.minSequence, top == nextSequence {
                try output.write(waiting.pop().line)
                nextSequence += 1
                continue
            }
            if let index = runs.firstIndex(where: { $0.head?.sequence == nextSequence }) {
                let line = try runs[index].take(from: spill!)
                try output.write(line)
                nextSequence += 1
                continue
            }
            return
        }
    }

    private func spillLaterHalf() throws(RunError) {
        var entries = waiting.removeAll()
        entries.sort { $0.sequence < $1.sequence }
        let keep = entries.count / 2
        for entry in entries[..<keep] { waiting.push(entry.sequence, entry.line) }
        if spill == nil { spill = try SpillFile() }
        runs.append(try spill!.writeRun(Array(entries[keep...])))
        runs.removeAll { $0.isExhausted }
    }

    static func line(for outcome: RowOutcome, chain: Bool = false) -> [UInt8] {
        let (connection, answer, note) = (outcome.connection, outcome.answer, outcome.note)
        var values: [String] = [
            String(outcome.row), outcome.name, outcome.sandbox, outcome.auth?.rawValue ?? "", outcome.status.rawValue,
            connection?.id ?? "", connection?.etag.map(EntityTag.bare) ?? "",
        ]
        if chain {
            values += [
                outcome.chain.sourceID ?? "", outcome.chain.targetID ?? "", outcome.chain.flowID ?? "",
                outcome.step?.rawValue ?? "", outcome.chain.failedStep?.rawValue ?? "",
            ]
        }
        values += [
            answer?.httpStatus.map(String.init) ?? "", String(outcome.attempts), note?.code ?? "", note?.message ?? "",
            answer?.requestID ?? "", outcome.durationMS.map(String.init) ?? "",
        ]
        return CSVLineEncoder.line(values + outcome.extras)
    }
}

/// Lines waiting for their turn, smallest sequence first (a binary heap).
private struct LineHeap {
    private var items: [(sequence: Int, line: [UInt8])] = []

    var count: Int { items.count }
    var minSequence: Int? { items.first?.sequence }

    mutating func push(_ sequence: Int, _ line: [UInt8]) {
        items.append((sequence, line))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].sequence < items[parent].sequence else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (sequence: Int, line: [UInt8]) {
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left].sequence < items[smallest].sequence { smallest = left }
            if right < items.count, items[right].sequence < items[smallest].sequence { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    mutating func removeAll() -> [(sequence: Int, line: [UInt8])] {
        defer { items = [] }
        return items
    }
}

/// A sorted run of lines in the spill file, read back one line at a time.
private struct SpillRun {
    var offset: Int
    let end: Int
    var head: (sequence: Int, length: Int)?

    var isExhausted: Bool { head == nil }

    mutating func take(from file: SpillFile) throws(RunError) -> [UInt8] {
        let length = head!.length
        let line = try file.read(at: offset + 12, count: length)
        offset += 12 + length
        head = offset < end ? try file.readHeader(at: offset) : nil
        return line
    }
}

/// An unlinked temporary file holding spilled runs: each line as an 8-byte sequence, a 4-byte
/// length and the bytes.
private final class SpillFile {
    private let descriptor: Int32
    private var size = 0

    init() throws(RunError) {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/flowbatch-results-XXXXXX".utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw RunError(.localFile, "cannot create a temporary file in \(directory): \(SystemError.describe(errno))")
        }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
    }

    deinit {
        close(descriptor)
    }

    func writeRun(_ entries: [(sequence: Int, line: [UInt8])]) throws(RunError) -> SpillRun {
        let start = size
        var bytes: [UInt8] = []
        for entry in entries {
            withUnsafeBytes(of: Int64(entry.sequence).littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt32(entry.line.count).littleEndian) { bytes += $0 }
            bytes += entry.line
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                pwrite(descriptor, $0.baseAddress! + written, bytes.count - written, off_t(size + written))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw RunError(.localFile, "cannot write a temporary file: \(SystemError.describe(errno))")
            }
            written += count
        }
        size += bytes.count
        return SpillRun(offset: start, end: size, head: try readHeader(at: start))
    }

    func readHeader(at offset: Int) throws(RunError) -> (sequence: Int, length: Int) {
        let bytes = try read(at: offset, count: 12)
        let sequence = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let length = bytes[8..<12].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return (sequence, length)
    }

    func read(at offset: Int, count: Int) throws(RunError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done))
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw RunError(.localFile, "cannot read a temporary file") }
            done += got
        }
        return bytes
    }
}

/// A file written through a 64 KiB buffer.
package struct BufferedFile {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    package let path: String

    /// Creates `path` (mode 0600), replacing a stale one.
    package init(creating path: String) throws(RunError) {
        self.path = path
        unlink(path)
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RunError(.localFile, "cannot create \(path): \(SystemError.describe(errno))")
        }
        buffer.reserveCapacity(64 * 1024)
    }

    package mutating func write(_ bytes: [UInt8]) throws(RunError) {
        buffer += bytes
        if buffer.count >= 64 * 1024 { try flush() }
    }

    package mutating func flush() throws(RunError) {
        try Self.writeAll(buffer, to: descriptor, path: path)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes every byte to `descriptor`, again after a short write or `EINTR`.
    package static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(RunError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                posixWrite(descriptor, $0.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw RunError(.localFile, "cannot write \(path): \(SystemError.describe(errno))")
            }
            offset += written
        }
    }

    package mutating func close(sync: Bool) throws(RunError) {
        try flush()
        if sync, fsync(descriptor) != 0 {
            throw RunError(.localFile, "cannot write \(path): \(SystemError.describe(errno))")
        }
        posixClose(descriptor)
    }
}

private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func posixClose(_ descriptor: Int32) {
    close(descriptor)
}
