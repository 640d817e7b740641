#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs saved fuzz inputs (crashes, a corpus) through ``ReaderFuzzer`` without libFuzzer: what the
/// executable does when built without `FLOWBATCH_FUZZING`.
enum Replay {
    /// Checks every file given, and every file directly inside every folder given; prints one line per
    /// input with a broken invariant and a summary. Returns the exit code: 0 when all pass, 1 when
    /// any fails, 64 for no arguments, 66 for a path that cannot be read.
    static func run(paths: [String]) -> Int32 {
        guard !paths.isEmpty else {
            print("usage: FlowBatchFuzz FILE-OR-FOLDER...")
            print("Replays fuzz inputs through the CSV reader checks; scripts/fuzz builds the libFuzzer version.")
            return 64
        }
        var checked = 0
        var failed = 0
        for path in paths {
            guard let files = files(at: path) else {
                print("\(path): cannot be read")
                return 66
            }
            for file in files {
                guard let bytes = contents(of: file) else {
                    print("\(file): cannot be read")
                    return 66
                }
                checked += 1
                let violations = ReaderFuzzer.check(bytes)
                if !violations.isEmpty {
                    failed += 1
                    print("\(file): " + violations.joined(separator: "\n    "))
                }
            }
        }
        print("\(checked - failed) passed, \(failed) failed")
        return failed == 0 ? 0 : 1
    }

    /// `path` itself, or the regular files directly inside it when it is a folder, sorted.
    static func files(at path: String) -> [String]? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { return [path] }
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            let file = path + "/" + name
            var entryStatus = stat()
            if !name.hasPrefix("."), stat(file, &entryStatus) == 0, (entryStatus.st_mode & S_IFMT) == S_IFREG {
                names.append(file)
            }
        }
        return names.sorted()
    }

    /// The bytes of the file at `path`.
    static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }
}
