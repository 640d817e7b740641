import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one output of a command goes, decided before anything is sent: standard output (`-`), a
/// regular file (written to a temporary file beside it and renamed into place, so that a reader never
/// sees half a file), or a file that is not regular, such as a device or a FIFO (written in place:
/// renaming over `/dev/stdout` would replace the device with a file).
///
/// A link is written through to its target: the link stays a link, and the rename happens beside the
/// file it points to.
public struct OutputTarget: Sendable, Equatable {
    /// How the output is written.
    public enum Kind: Sendable, Equatable {
        /// Standard output (`-`).
        case standardOutput
        /// A regular file, or none yet: a temporary file beside it is renamed into place.
        case file
        /// An existing file that is not regular (a device, a FIFO): opened and written in place.
        case special
    }

    /// Where the path came from, for messages (`--out`, `--summary-json`, `the journal beside --out`).
    public let role: String
    /// The path as given.
    public let given: String
    /// The path written: `given` with every link followed (empty for standard output).
    public let path: String
    public let kind: Kind

    /// Most links followed before a path is taken for a loop.
    static let linkLimit = 40

    /// Resolves `given` and checks that it can be written: not a directory, a folder that exists and
    /// takes a new file, an existing file that opens for writing. `standardOutput` allows `-`;
    /// `special` allows a device or FIFO.
    ///
    /// - Throws: ``ConfigurationError`` saying what to fix, naming `role`.
    public static func resolve(
        _ given: String,
        role: String,
        standardOutput: Bool = false,
        special: Bool = true
    ) throws(ConfigurationError) -> OutputTarget {
        if given == "-" {
            guard standardOutput else {
                throw ConfigurationError("\(role) cannot be '-' (standard output): give a file path")
            }
            return OutputTarget(role: role, given: given, path: "", kind: .standardOutput)
        }
        guard !given.isEmpty else { throw ConfigurationError("\(role) is empty: give a file path") }
        if given.hasSuffix("/") {
            throw ConfigurationError("\(role) \(given) is a directory; give a file path inside it")
        }
        let path = try followLinks(given, role: role)
        var status = stat()
        guard stat(path, &status) == 0 else {
            try checkFolder(of: path, given: given, role: role)
            return OutputTarget(role: role, given: given, path: path, kind: .file)
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            throw ConfigurationError("\(role) \(given) is a directory; give a file path inside it")
        case S_IFREG:
            try checkFolder(of: path, given: given, role: role)
            try checkOpens(path, given: given, role: role, flags: O_WRONLY)
            return OutputTarget(role: role, given: given, path: path, kind: .file)
        default:
            guard special else {
                throw ConfigurationError(
                    "\(role) \(given) is not a regular file (a device or a FIFO): give the path of a file"
                )
            }
            // Not opened to try: a FIFO's reader would see the end at once when the trial closed it.
            guard access(path, W_OK) == 0 else {
                throw ConfigurationError(
                    "\(role) \(given) cannot be written (\(SystemError.describe(errno))): choose another path"
                )
            }
            return OutputTarget(role: role, given: given, path: path, kind: .special)
        }
    }

    /// Writes `bytes` as the whole output: to standard output, in place, or into a temporary file
    /// (mode 0600) renamed over the path once it is complete and on disk.
    public func write(_ bytes: [UInt8]) throws(RunError) {
        switch kind {
        case .standardOutput:
            try Self.writeAll(bytes, to: 1, path: "standard output")
        case .special:
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw RunError(.localFile, "cannot write \(role) \(given): \(SystemError.describe(errno))")
            }
            defer { close(descriptor) }
            try Self.writeAll(bytes, to: descriptor, path: given)
        case .file:
            var file = try TemporaryFiles.create(besides: path)
            defer { TemporaryFiles.unregister(file.path) }
            do throws(RunError) {
                try file.write(bytes)
                try file.close(sync: true)
            } catch {
                unlink(file.path)
                throw error
            }
            guard rename(file.path, path) == 0 else {
                let reason = SystemError.describe(errno)
                unlink(file.path)
                throw RunError(.localFile, "cannot move \(role) into place at \(given): \(reason)")
            }
            JournalWriter.syncDirectory(of: path)
        }
    }

    /// An output written as it comes: standard output, or a device or FIFO opened once (a FIFO's
    /// reader sees the end when it is closed).
    public struct Stream {
        private let descriptor: Int32
        private let owned: Bool
        private let name: String

        fileprivate init(_ target: OutputTarget) throws(RunError) {
            if target.kind == .standardOutput {
                (descriptor, owned, name) = (1, false, "standard output")
                return
            }
            let descriptor = open(target.path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw RunError(
                    .localFile,
                    "cannot write \(target.role) \(target.given): \(SystemError.describe(errno))"
                )
            }
            (self.descriptor, owned, name) = (descriptor, true, target.given)
        }

        public func write(_ bytes: [UInt8]) throws(RunError) {
            try OutputTarget.writeAll(bytes, to: descriptor, path: name)
        }

        public func close() {
            if owned { systemClose(descriptor) }
        }
    }

    /// Opens a target that is not a regular file for writing as the output comes.
    public func stream() throws(RunError) -> Stream {
        try Stream(self)
    }

    /// The identity of the file at `path` (device and inode) when it exists.
    static func identity(of path: String) -> (UInt64, UInt64)? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    /// `path` with links followed, the last one even when its target does not exist yet (a link to
    /// a file the run is about to make is written through, not replaced); a device or FIFO as given.
    private static func followLinks(_ given: String, role: String) throws(ConfigurationError) -> String {
        var status = stat()
        if stat(given, &status) == 0 {
            // A device or FIFO is opened through its links as they are: `/dev/stdout` leads to
            // `/proc/self/fd/1`, whose own link text (`pipe:[…]`) is no path.
            guard (status.st_mode & S_IFMT) == S_IFREG, let real = realpath(given, nil) else { return given }
            defer { free(real) }
            return String(cString: real)
        }
        var path = given
        for _ in 0..<linkLimit {
            var status = stat()
            guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFLNK else { return path }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(path, &buffer, buffer.count - 1)
            guard count > 0 else { return path }
            let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            path = target.hasPrefix("/") ? target : folder(of: path) + "/" + target
        }
        throw ConfigurationError("\(role) \(given) is a loop of links: give the path of a file")
    }

    /// The folder `path` is in ("." for a bare name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The folder must exist and take a new file: the temporary file the output is renamed from is
    /// made there. Tried for real (access(2) says yes to root on a read-only file system).
    private static func checkFolder(of path: String, given: String, role: String) throws(ConfigurationError) {
        let directory = folder(of: path)
        var status = stat()
        guard stat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            throw ConfigurationError("\(role) \(given): the folder \(directory) does not exist")
        }
        let probe = "\(directory)/.flowbatch-write-check.\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError(
                "\(role) \(given) cannot be written: the folder \(directory) does not take new files"
                    + " (\(SystemError.describe(errno))): choose another path"
            )
        }
        close(descriptor)
        unlink(probe)
    }

    private static func checkOpens(_ path: String, given: String, role: String, flags: Int32) throws(ConfigurationError)
    {
        let descriptor = open(path, flags | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ConfigurationError(
                "\(role) \(given) cannot be written (\(SystemError.describe(errno))): choose another path"
            )
        }
        close(descriptor)
    }

    fileprivate static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(RunError) {
        try BufferedFile.writeAll(bytes, to: descriptor, path: path)
    }
}

private func systemClose(_ descriptor: Int32) {
    close(descriptor)
}
