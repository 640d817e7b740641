import FlowBatchModel
import Foundation

/// A lock on this machine for writing to one sandbox of one org at one endpoint: two runs that
/// create in the same sandbox at once each list it before the other has created anything, and each
/// creates the names the other is creating (seen: 162 names twice). The journal's own lock cannot
/// prevent that, since two runs with different `--out` have different journals.
///
/// One file per endpoint + org + sandbox in `$TMPDIR/flowbatch-locks` (default `/tmp`), locked with
/// `flock` while the run lasts, holding the owner's process ID, results file and start time so that
/// a refused run can say who holds it. The kernel releases the lock when the process ends, however
/// it ends (`kill -9` included): a file left behind by a dead run locks nothing. A second run is
/// refused at once, before anything is sent, rather than made to wait: a wait would hide from a
/// script that two runs were started for the same sandbox.
public final class SandboxLock: Sendable {
    /// Who holds a lock, as its file says.
    public struct Holder: Codable, Sendable, Equatable {
        public var pid: Int32
        public var results: String
        /// ISO 8601.
        public var started: String
    }

    private let descriptors: [Int32]

    private init(descriptors: [Int32]) {
        self.descriptors = descriptors
    }

    deinit {
        for descriptor in descriptors { close(descriptor) }
    }

    /// The folder of the lock files.
    static var folder: String {
        let temporary = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return (temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary) + "/flowbatch-locks"
    }

    /// The lock file of one endpoint, org and sandbox: a hash, so that any endpoint makes a file name.
    static func path(endpoint: String, org: String, sandbox: String) -> String {
        var normalized = endpoint.lowercased()
        while normalized.hasSuffix("/") { normalized.removeLast() }
        let key = Digest.sha256(Array("\(normalized)\n\(org)\n\(sandbox)".utf8)).prefix(12).map { $0 }.hex
        return "\(folder)/\(key).lock"
    }

    /// Takes the lock of every sandbox in `sandboxes` for a run writing `results`, or refuses.
    ///
    /// - Throws: ``ConfigurationError`` naming the run that holds a lock (its process ID, results file
    ///   and start), or why the lock file cannot be made.
    public static func acquire(
        endpoint: String,
        org: String,
        sandboxes: [String],
        results: String
    ) throws(ConfigurationError) -> SandboxLock {
        let folder = Self.folder
        if mkdir(folder, 0o1777) == 0 {
            // Every user's runs share the folder, as they share the sandbox; umask would narrow it.
            chmod(folder, 0o1777)
        }
        var descriptors: [Int32] = []
        let holder = Holder(
            pid: getpid(),
            results: AbsolutePath.of(results),
            started: Date().formatted(.iso8601)
        )
        for sandbox in Set(sandboxes).sorted() {
            let path = Self.path(endpoint: endpoint, org: org, sandbox: sandbox)
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else {
                let reason = SystemError.describe(errno)
                for taken in descriptors { close(taken) }
                throw ConfigurationError(
                    "cannot make the lock file \(path) that keeps two runs from creating in sandbox '\(sandbox)' at"
                        + " once (\(reason)); set TMPDIR to a folder this user can write"
                )
            }
            fchmod(descriptor, 0o666)
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let other = Self.holder(of: descriptor)
                close(descriptor)
                for taken in descriptors { close(taken) }
                throw ConfigurationError(busyMessage(sandbox: sandbox, org: org, endpoint: endpoint, holder: other))
            }
            let bytes = (try? JSONEncoder().encode(holder)).map(Array.init) ?? []
            ftruncate(descriptor, 0)
            _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            descriptors.append(descriptor)
        }
        return SandboxLock(descriptors: descriptors)
    }

    /// What the lock file open at `descriptor` says of its holder.
    private static func holder(of descriptor: Int32) -> Holder? {
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = pread(descriptor, &bytes, bytes.count, 0)
        guard count > 0 else { return nil }
        return try? JSONDecoder().decode(Holder.self, from: Data(bytes[..<count]))
    }

    static func busyMessage(sandbox: String, org: String, endpoint: String, holder: Holder?) -> String {
        let who =
            holder.map { "another flowbatch run (pid \($0.pid), writing \($0.results), started \($0.started))" }
            ?? "another flowbatch run"
        return "\(who) is creating connections in sandbox '\(sandbox)' of org \(org) at \(endpoint). Two runs at once"
            + " would each create the names the other is creating: wait for it to finish, then run this again"
    }
}
