#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a CSV parser reads its bytes from: a file read with positional reads, or bytes in memory.
///
/// Positional reads let the parser go back to the line after a quote that never closed.
final class CSVByteSource {
    private enum Storage {
        case file(descriptor: Int32, size: Int, modified: timespec)
        case memory([UInt8])
    }

    private let storage: Storage
    /// The path as the user gave it, for messages.
    let path: String

    /// Opens a file for reading.
    init(path: String) throws(CSVFileError) {
        self.path = path
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
            throw CSVFileError(.unreadable(errno: EISDIR), path: path)
        }
        storage = .file(descriptor: descriptor, size: Int(status.st_size), modified: status.st_mtim)
    }

    /// Serves bytes from memory (tests, fuzzing).
    init(bytes: [UInt8], name: String = "<memory>") {
        path = name
        storage = .memory(bytes)
    }

    deinit {
        if case .file(let descriptor, _, _) = storage {
            close(descriptor)
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns 0 at the end.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(CSVFileError) -> Int {
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

    /// The size when opened, if known.
    var size: Int {
        switch storage {
        case .file(_, let size, _): size
        case .memory(let bytes): bytes.count
        }
    }
}
