import FlowBatchModel
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files this process is writing, so that quitting at once (a second Ctrl-C) removes
/// them first; and the clean-up of those a process that died (`kill -9`) left behind.
public enum TemporaryFiles {
    private static let paths = Mutex<Set<String>>([])

    /// The temporary file a file at `path` is written to before it is renamed into place:
    /// `.<name>.<pid>.tmp` beside it.
    static func path(besides path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).\(getpid()).tmp"
    }

    /// Creates the temporary file for `path` (removing those that dead processes left beside it) and
    /// registers it, so that quitting at once removes it.
    package static func create(besides path: String) throws(RunError) -> BufferedFile {
        removeLeftovers(besides: path)
        let file = try BufferedFile(creating: Self.path(besides: path))
        register(file.path)
        return file
    }

    static func register(_ path: String) { _ = paths.withLock { $0.insert(path) } }

    package static func unregister(_ path: String) { _ = paths.withLock { $0.remove(path) } }

    /// Removes every registered file; safe to call just before `_exit`.
    public static func removeAll() {
        for path in paths.withLock({ $0 }) { unlink(path) }
    }

    /// Removes `.<name>.<pid>.tmp` files beside `path` whose process no longer runs.
    static func removeLeftovers(besides path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let prefix = "." + url.lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let middle = name.dropFirst(prefix.count).dropLast(4)
            guard let pid = Int32(middle), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder.appendingPathComponent(name).path)
        }
    }
}
