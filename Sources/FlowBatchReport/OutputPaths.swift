import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses, before anything is read or sent, output paths that would overwrite the input or that
/// cannot hold a file: writing the results over the spreadsheet loses the user's data, and a
/// directory fails only at the end, after the connections were created.
public enum OutputPaths {
    /// Checks the results file and the journal beside it against the input.
    public static func check(results: String, journal: String, input: String) throws(ConfigurationError) {
        try check(results, as: "--out", input: input)
        try check(journal, as: "the journal beside --out", input: input)
    }

    /// Checks one output path; `role` names where it came from (`--out`, `--summary-json`).
    public static func check(_ path: String, as role: String, input: String) throws(ConfigurationError) {
        var target = stat()
        let exists = stat(path, &target) == 0
        if path.hasSuffix("/") || (exists && (target.st_mode & S_IFMT) == S_IFDIR) {
            let example = path.hasSuffix("/") ? path : path + "/"
            throw ConfigurationError(
                "\(role) \(path) is a directory; give a file path, e.g. \(example)\(defaultName(for: input))"
            )
        }
        var source = stat()
        if exists, stat(input, &source) == 0, source.st_dev == target.st_dev, source.st_ino == target.st_ino {
            throw ConfigurationError(
                "\(role) \(path) is the input file itself; it would be overwritten: choose another path"
                    + " (by default results go to \(defaultName(for: input)) beside the input)"
            )
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        var folder = stat()
        guard stat(directory, &folder) == 0, (folder.st_mode & S_IFMT) == S_IFDIR else {
            throw ConfigurationError("\(role) \(path): the folder \(directory) does not exist")
        }
    }

    /// The default results path: `<input>.results.csv` beside the input (`sources.csv` →
    /// `sources.results.csv`).
    public static func defaultResults(for input: String) -> String {
        let slash = input.lastIndex(of: "/")
        let directory = slash.map { String(input[...$0]) } ?? ""
        return directory + defaultName(for: input)
    }

    /// The default results file's name, without its folder.
    static func defaultName(for input: String) -> String {
        let slash = input.lastIndex(of: "/")
        let name = slash.map { String(input[input.index(after: $0)...]) } ?? input
        let stem = name.lowercased().hasSuffix(".csv") ? String(name.dropLast(4)) : name
        return stem + ".results.csv"
    }
}
