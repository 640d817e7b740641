#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a CSV parser reads its bytes from: a file read with positional reads, or bytes in memory;
/// as UTF-8, transcoded as it is read when the input is in another encoding.
///
/// Positional reads let the parser go back to the line after a quote that never closed.
package final class CSVByteSource {
    private enum Storage {
        case file(descriptor: Int32, size: Int, modified: timespec)
        case memory([UInt8])
    }

    private let storage: Storage
    /// The path as the user gave it, for messages.
    let path: String
    /// The encoding of the bytes stored.
    let encoding: TextEncoding
    /// For an encoding other than UTF-8: the UTF-8 the parser reads.
    private let transcoded: TranscodedStream?

    /// Opens a file for reading.
    init(path: String, encoding: TextEncoding = .utf8) throws(CSVFileError) {
        self.path = path
        self.encoding = encoding
        transcoded = encoding == .utf8 ? nil : TranscodedStream(encoding: encoding)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let number = errno
            throw CSVFileError(number == ENOENT ? .notFound : .unreadable(errno: number), path: path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let number = errno
            close(descriptor)
            throw CSVFileError(.unreadable(errno: number), path: path)
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            close(descriptor)
            // Numbers saves a document as a package folder too.
            throw CSVFileError(
                path.lowercased().hasSuffix(".numbers") ? .numbers : .unreadable(errno: EISDIR),
                path: path
            )
        }
        storage = .file(descriptor: descriptor, size: Int(status.st_size), modified: status.st_mtim)
    }

    /// Serves bytes from memory (tests, fuzzing).
    package init(bytes: [UInt8], name: String = "<memory>", encoding: TextEncoding = .utf8, chunkSize: Int = 64 * 1024)
    {
        path = name
        storage = .memory(bytes)
        self.encoding = encoding
        transcoded = encoding == .utf8 ? nil : TranscodedStream(encoding: encoding, chunkSize: chunkSize)
    }

    deinit {
        if case .file(let descriptor, _, _) = storage {
            close(descriptor)
        }
    }

    /// Reads up to `buffer.count` bytes of UTF-8 at `offset` (in the UTF-8); returns 0 at the end.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(CSVFileError) -> Int {
        guard let transcoded else { return try readStored(at: offset, into: buffer) }
        return try transcoded.read(at: offset, into: buffer, from: self)
    }

    /// The first `count` bytes as stored (fewer in a shorter file), before any transcoding.
    func storedPrefix(_ count: Int) throws(CSVFileError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < count {
            let read = try readStored(at: filled, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if read == 0 { break }
            filled += read
        }
        return Array(buffer[..<filled])
    }

    /// Reads up to `buffer.count` bytes as stored at `offset`; returns 0 at the end.
    fileprivate func readStored(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(CSVFileError) -> Int
    {
        switch storage {
        case .file(let descriptor, _, _):
            while true {
                let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
                if count >= 0 { return count }
                if errno == EINTR { continue }
                throw CSVFileError(.unreadable(errno: errno), path: path)
            }
        case .memory(let bytes):
            guard offset < bytes.count else { return 0 }
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            return count
        }
    }

    /// Throws when the file's size or modification time differ from when it was opened.
    func checkUnchanged() throws(CSVFileError) {
        guard case .file(let descriptor, let size, let modified) = storage else { return }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CSVFileError(.unreadable(errno: errno), path: path)
        }
        if Int(status.st_size) != size || status.st_mtim.tv_sec != modified.tv_sec
            || status.st_mtim.tv_nsec != modified.tv_nsec
        {
            throw CSVFileError(.changedWhileReading, path: path)
        }
    }

    /// The size of the UTF-8 the parser reads: exact once it was read to the end; before that, for a
    /// transcoded file, the most it can be (three bytes of UTF-8 per byte stored).
    var size: Int {
        let stored =
            switch storage {
            case .file(_, let size, _): size
            case .memory(let bytes): bytes.count
            }
        guard let transcoded else { return stored }
        return transcoded.totalSize ?? 3 * stored
    }
}

/// The UTF-8 of a file in another encoding, transcoded chunk by chunk as the parser reads on; memory
/// stays at one chunk and its UTF-8. Reading again from an earlier offset (after a quote that never
/// closes) starts over from the last chunk boundary before it: one is remembered per chunk.
private final class TranscodedStream {
    private let initial: TextTranscoder
    private var transcoder: TextTranscoder
    private let chunk: UnsafeMutableRawBufferPointer
    /// The next stored byte to transcode.
    private var storedOffset = 0
    /// The UTF-8 of the last chunk, and its offset in the whole UTF-8.
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var endReached = false
    /// Where transcoding may start over: UTF-8 offset, stored offset and the transcoder's state there.
    private var restartPoints: [(output: Int, stored: Int, transcoder: TextTranscoder)] = []
    /// The size of the whole UTF-8, once the end was reached.
    private(set) var totalSize: Int?

    init(encoding: TextEncoding, chunkSize: Int = 64 * 1024) {
        initial = TextTranscoder(encoding: encoding)
        transcoder = initial
        chunk = .allocate(byteCount: max(1, chunkSize), alignment: 16)
        restartPoints = [(0, 0, initial)]
    }

    deinit {
        chunk.deallocate()
    }

    func read(
        at offset: Int,
        into buffer: UnsafeMutableRawBufferPointer,
        from source: CSVByteSource
    ) throws(CSVFileError)
        -> Int
    {
        if offset < outputOffset {
            let point = restartPoints.last(where: { $0.output <= offset })!
            outputOffset = point.output
            storedOffset = point.stored
            transcoder = point.transcoder
            output.removeAll(keepingCapacity: true)
            endReached = false
        }
        while offset >= outputOffset + output.count {
            if endReached { return 0 }
            outputOffset += output.count
            output.removeAll(keepingCapacity: true)
            if transcoder.isAtCharacterBoundary, restartPoints.last!.output < outputOffset {
                restartPoints.append((outputOffset, storedOffset, transcoder))
            }
            let count = try source.readStored(at: storedOffset, into: chunk)
            storedOffset += count
            transcoder.transcode(UnsafeRawBufferPointer(rebasing: chunk[..<count]), final: count == 0, into: &output)
            if count == 0 {
                endReached = true
                totalSize = outputOffset + output.count
            }
        }
        let start = offset - outputOffset
        let count = min(buffer.count, output.count - start)
        output.withUnsafeBytes { bytes in
            buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + start, byteCount: count)
        }
        return count
    }
}
