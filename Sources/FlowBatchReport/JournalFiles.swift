import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File chores around the journal.
package enum JournalFiles {
    /// Renames the journal at `path` to `<path>.replaced-<timestamp>` and returns the new name;
    /// `nil` when there was none. Refuses while another run holds the journal's lock: renaming it
    /// under that run would let both send the same rows.
    package static func moveAside(_ path: String) throws(RunError) -> String? {
        guard access(path, F_OK) == 0 else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw RunError(.localFile, "cannot open the journal \(path): \(SystemError.describe(errno))")
        }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            throw RunError(.localFile, JournalWriter.inUseMessage(path))
        }
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let stamp =
            "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
        var target = "\(path).replaced-\(stamp)"
        var suffix = 1
        while access(target, F_OK) == 0 {
            suffix += 1
            target = "\(path).replaced-\(stamp)-\(suffix)"
        }
        guard rename(path, target) == 0 else {
            throw RunError(.localFile, "cannot move the journal \(path) aside: \(SystemError.describe(errno))")
        }
        return target
    }
}
