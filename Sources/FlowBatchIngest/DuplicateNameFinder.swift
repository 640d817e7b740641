import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the rows whose name an earlier row already uses in the same sandbox, in bounded memory.
///
/// Each row adds a 128-bit key of (sandbox, name) and its row number; keys are sorted in memory
/// up to ``memoryLimit`` entries, and beyond that in sorted runs spilled to an unlinked temporary
/// file and merged. Memory therefore stays the same for 100,000 rows or 10,000,000, and only the
/// duplicates themselves are kept in the answer.
public final class DuplicateNameFinder {
    /// The most entries kept in memory before a sorted run is spilled to disk.
    public let memoryLimit: Int

    private struct Entry {
        var high: UInt64
        var low: UInt64
        var row: UInt32
        var flags: UInt32

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.high, lhs.low, lhs.row) < (rhs.high, rhs.low, rhs.row)
        }
    }

    private var entries: [Entry] = []
    private var runs: [(offset: Int, count: Int)] = []
    private var spillFile: Int32 = -1
    private var spillOffset = 0

    /// Creates a finder; `memoryLimit` entries take 24 bytes each (default 65,536: 1.5 MiB).
    public init(memoryLimit: Int = 65_536) {
        self.memoryLimit = max(2, memoryLimit)
        entries.reserveCapacity(min(self.memoryLimit, 4096))
    }

    deinit {
        if spillFile >= 0 { close(spillFile) }
    }

    /// Records that `row` uses `name` in `sandbox`; `flags` come back with duplicates unchanged.
    public func add(sandbox: String, name: String, row: Int, flags: UInt32 = 0) throws(DuplicateNameFinderError) {
        var sandbox = sandbox
        var name = name
        let hashes = sandbox.withUTF8 { sandboxBytes in
            name.withUTF8 { nameBytes in Self.hashes(sandbox: sandboxBytes, name: nameBytes) }
        }
        try append(hashes, row: row, flags: flags)
    }

    /// Records that `row` uses the name in `name` (UTF-8) in `sandbox`, hashing the bytes directly.
    public func add(
        sandbox: UnsafeBufferPointer<UInt8>,
        name: UnsafeBufferPointer<UInt8>,
        row: Int,
        flags: UInt32 = 0
    ) throws(DuplicateNameFinderError) {
        try append(Self.hashes(sandbox: sandbox, name: name), row: row, flags: flags)
    }

    private func append(_ hashes: (UInt64, UInt64), row: Int, flags: UInt32) throws(DuplicateNameFinderError) {
        entries.append(Entry(high: hashes.0, low: hashes.1, row: UInt32(truncatingIfNeeded: row), flags: flags))
        if entries.count >= memoryLimit { try spill() }
    }

    /// Two independent 64-bit hashes of (sandbox, name): a 128-bit key whose collisions are negligible.
    private static func hashes(
        sandbox: UnsafeBufferPointer<UInt8>,
        name: UnsafeBufferPointer<UInt8>
    ) -> (UInt64, UInt64) {
        var first = Hasher()
        first.combine(0xA5 as UInt8)
        first.combine(sandbox.count)
        first.combine(bytes: UnsafeRawBufferPointer(sandbox))
        first.combine(bytes: UnsafeRawBufferPointer(name))
        var second = Hasher()
        second.combine(0x5A as UInt8)
        second.combine(name.count)
        second.combine(bytes: UnsafeRawBufferPointer(name))
        second.combine(bytes: UnsafeRawBufferPointer(sandbox))
        return (UInt64(bitPattern: Int64(first.finalize())), UInt64(bitPattern: Int64(second.finalize())))
    }

    /// Sorts what was added and returns the duplicates.
    public func finish() throws(DuplicateNameFinderError) -> DuplicateNames {
        var duplicates: [DuplicateNames.Duplicate] = []
        var current: (high: UInt64, low: UInt64, row: UInt32)?
        func visit(_ entry: Entry) {
            if let group = current, group.high == entry.high, group.low == entry.low {
                duplicates.append(.init(row: Int(entry.row), firstRow: Int(group.row), flags: entry.flags))
            } else {
                current = (entry.high, entry.low, entry.row)
            }
        }
        if runs.isEmpty {
            Self.sort(&entries)
            entries.forEach(visit)
        } else {
            try spill()
            try merge(visit)
        }
        entries = []
        duplicates.sort { $0.row < $1.row }
        return DuplicateNames(duplicates: duplicates)
    }

    /// Sorts by (high, low, row): a stable radix sort on `high` (entries arrive in row order, so equal
    /// keys stay in row order), then the rare runs of equal `high` sorted fully.
    private static func sort(_ entries: inout [Entry]) {
        guard entries.count > 64 else {
            entries.sort(by: <)
            return
        }
        var scratch = entries
        let bits = 11
        let mask = UInt64((1 << bits) - 1)
        var counts = [Int](repeating: 0, count: 1 << bits)
        var shift: UInt64 = 0
        var inEntries = true
        while shift < 64 {
            for index in counts.indices { counts[index] = 0 }
            let source = inEntries ? entries : scratch
            source.withUnsafeBufferPointer { from in
                for entry in from { counts[Int((entry.high >> shift) & mask)] += 1 }
                var total = 0
                for index in counts.indices {
                    let count = counts[index]
                    counts[index] = total
                    total += count
                }
                func scatter(_ to: inout [Entry]) {
                    to.withUnsafeMutableBufferPointer { to in
                        for entry in from {
                            let bucket = Int((entry.high >> shift) & mask)
                            to[counts[bucket]] = entry
                            counts[bucket] += 1
                        }
                    }
                }
                if inEntries { scatter(&scratch) } else { scatter(&entries) }
            }
            inEntries.toggle()
            shift += UInt64(bits)
        }
        if !inEntries { entries = scratch }
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count, entries[end].high == entries[start].high { end += 1 }
            if end - start > 1 { entries[start..<end].sort(by: <) }
            start = end
        }
    }

    private func spill() throws(DuplicateNameFinderError) {
        guard !entries.isEmpty else { return }
        Self.sort(&entries)
        if spillFile < 0 { spillFile = try Self.temporaryFile() }
        let bytes = entries.count * MemoryLayout<Entry>.stride
        let failure = entries.withUnsafeBytes { buffer -> Int32 in
            var written = 0
            while written < bytes {
                let count = pwrite(
                    spillFile,
                    buffer.baseAddress! + written,
                    bytes - written,
                    off_t(spillOffset + written)
                )
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return 0
        }
        if failure != 0 { throw DuplicateNameFinderError(errno: failure) }
        runs.append((spillOffset, entries.count))
        spillOffset += bytes
        entries.removeAll(keepingCapacity: true)
    }

    /// Merges the sorted runs, reading each a chunk at a time.
    private func merge(_ visit: (Entry) -> Void) throws(DuplicateNameFinderError) {
        let chunk = max(256, memoryLimit / runs.count)
        var readers = runs.map { RunReader(file: spillFile, offset: $0.offset, count: $0.count, chunk: chunk) }
        var heap: [(entry: Entry, run: Int)] = []
        for index in readers.indices {
            if let entry = try readers[index].next() { heap.append((entry, index)) }
        }
        heap.sort { $0.entry < $1.entry }
        // Few runs: a sorted array with binary insertion is simple and fast enough.
        while !heap.isEmpty {
            let (entry, run) = heap.removeFirst()
            visit(entry)
            if let next = try readers[run].next() {
                let position = heap.partitioningIndex { next < $0.entry }
                heap.insert((next, run), at: position)
            }
        }
    }

    private struct RunReader {
        let file: Int32
        var offset: Int
        var remaining: Int
        let chunk: Int
        var buffer: [Entry] = []
        var index = 0

        init(file: Int32, offset: Int, count: Int, chunk: Int) {
            self.file = file
            self.offset = offset
            self.remaining = count
            self.chunk = chunk
        }

        mutating func next() throws(DuplicateNameFinderError) -> Entry? {
            if index == buffer.count {
                guard remaining > 0 else { return nil }
                let count = min(chunk, remaining)
                buffer = [Entry](repeating: Entry(high: 0, low: 0, row: 0, flags: 0), count: count)
                let bytes = count * MemoryLayout<Entry>.stride
                let failure = buffer.withUnsafeMutableBytes { raw -> Int32 in
                    var read = 0
                    while read < bytes {
                        let got = pread(file, raw.baseAddress! + read, bytes - read, off_t(offset + read))
                        if got < 0, errno == EINTR { continue }
                        guard got > 0 else { return got < 0 ? errno : EIO }
                        read += got
                    }
                    return 0
                }
                if failure != 0 { throw DuplicateNameFinderError(errno: failure) }
                offset += bytes
                remaining -= count
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    private static func temporaryFile() throws(DuplicateNameFinderError) -> Int32 {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/flowbatch-names-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw DuplicateNameFinderError(errno: errno) }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        return descriptor
    }
}

/// The temporary file for sorting names could not be written or read.
public struct DuplicateNameFinderError: ExitStatusProviding, Sendable, CustomStringConvertible {
    /// A temporary folder that cannot be used stops the input check, before anything is sent.
    public var exitStatus: ExitStatus { .configuration }

    /// The system error number.
    public var errno: Int32

    public var description: String {
        "cannot use a temporary file to check names for duplicates (\(SystemError.describe(errno))); check TMPDIR"
    }
}

/// The rows whose name an earlier row already uses in the same sandbox, by row.
public struct DuplicateNames: Sendable {
    /// A row that repeats an earlier row's name.
    public struct Duplicate: Sendable, Equatable {
        /// The repeating row.
        public var row: Int
        /// The first row with that name in that sandbox.
        public var firstRow: Int
        /// The flags the repeating row was added with.
        public var flags: UInt32
    }

    /// Every repeating row, sorted by row.
    public let duplicates: [Duplicate]

    /// The first row with the same name and sandbox as `row`, when `row` repeats one.
    public func firstRow(repeatedBy row: Int) -> Int? {
        let index = duplicates.partitioningIndex { $0.row >= row }
        guard index < duplicates.count, duplicates[index].row == row else { return nil }
        return duplicates[index].firstRow
    }
}

extension RandomAccessCollection {
    /// The first index whose element satisfies `belongsInSecondPartition`, for a collection already
    /// partitioned by it (binary search).
    func partitioningIndex(where belongsInSecondPartition: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex
        var count = distance(from: startIndex, to: endIndex)
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if try belongsInSecondPartition(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
