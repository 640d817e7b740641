import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The key of the secret fingerprints: 32 random bytes in `$XDG_CONFIG_HOME/flowbatch/journal.key`
/// (or `~/.config/...`), created once with mode 0600, and kept out of the journal.
public struct JournalKey: Sendable {
    /// The key.
    public let bytes: [UInt8]
    /// A short identifier, written in the manifest, to tell whether a journal used this key.
    public var id: String { Array(Digest.sha256(bytes).prefix(8)).hex }

    /// The key file's path for the current user, if a home or config directory is known.
    public static var defaultPath: String? {
        if let config = getenv("XDG_CONFIG_HOME").map({ String(cString: $0) }), !config.isEmpty {
            return config + "/flowbatch/journal.key"
        }
        if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty {
            return home + "/.config/flowbatch/journal.key"
        }
        return nil
    }

    /// Reads the key at `path`, creating it if absent; `nil` when neither works (then secret
    /// changes cannot be told apart, which is reported, not fatal).
    /// The key at `path` when there is one; never creates it (for `--dry-run`, which writes nothing).
    public static func load(path: String? = defaultPath) -> JournalKey? {
        path.flatMap(read)
    }

    public static func loadOrCreate(path: String? = defaultPath) -> JournalKey? {
        guard let path else { return nil }
        if let key = read(path) { return key }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        makeDirectories(directory)
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return read(path) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, 32) }
        fsync(descriptor)
        close(descriptor)
        return written == 32 ? JournalKey(bytes: bytes) : nil
    }

    private static func read(_ path: String) -> JournalKey? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { readBytes(descriptor, $0.baseAddress!, 32) }
        return count == 32 ? JournalKey(bytes: bytes) : nil
    }

    private static func makeDirectories(_ path: String) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            mkdir(prefix, 0o700)
            prefix += "/"
        }
    }
}

private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
