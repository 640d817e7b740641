import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses, before anything is read or sent, outputs that would destroy something: the input (the
/// user's spreadsheet), one another (`--summary-json` over the journal, which then read as no journal
/// at all), or a file flowbatch did not write that holds something else (a journal of another run, a
/// spreadsheet named as `--out`). Each output is resolved as ``OutputTarget`` says (links followed, a
/// folder that takes files, a file that opens for writing), so that an output that cannot be written
/// is found now, not after every row was created.
public enum OutputPaths {
    /// What an existing file holds, as far as its first line shows.
    enum Contents: Equatable {
        case nothing
        /// A flowbatch journal (a run's, an undo's or a test's): JSON lines with an `event`.
        case journal
        /// A flowbatch results file (`row,name,sandbox,auth,status,…`, or undo's `row,name,sandbox,connection_id,status`),
        /// or an export (`name,description,sandbox,auth,host,…`).
        case results
        /// Something else.
        case other
    }

    /// One output a command is about to write, and what it may write over.
    public struct Output: Sendable {
        public var target: OutputTarget
        /// The file may hold a flowbatch journal already (it is the command's own journal).
        public var isJournal = false
        /// The file may be replaced only when it is empty or a file flowbatch wrote (results, an export).
        public var replacesOnlyOwnFiles = false
        /// What the file holds is looked at (not when it is about to be moved aside, `--restart`).
        public var checksContents = true

        public init(
            _ target: OutputTarget,
            isJournal: Bool = false,
            replacesOnlyOwnFiles: Bool = false,
            checksContents: Bool = true
        ) {
            self.target = target
            self.isJournal = isJournal
            self.replacesOnlyOwnFiles = replacesOnlyOwnFiles
            self.checksContents = checksContents
        }
    }

    /// Checks the outputs of one command against the input (`nil` when there is none) and each other.
    ///
    /// - Throws: ``ConfigurationError`` naming the outputs and what to do.
    public static func check(_ outputs: [Output], input: String?) throws(ConfigurationError) {
        let inputIdentity = input.flatMap(OutputTarget.identity(of:))
        var seen: [(output: Output, identity: (UInt64, UInt64)?)] = []
        for output in outputs where output.target.kind != .standardOutput {
            let target = output.target
            let identity = OutputTarget.identity(of: target.path)
            if let input, let identity, let inputIdentity, identity == inputIdentity {
                throw ConfigurationError(
                    "\(target.role) \(target.given) is the input file itself; it would be overwritten: choose another path"
                        + " (by default results go to \(defaultName(for: input)) beside the input)"
                )
            }
            for earlier in seen {
                let same =
                    earlier.output.target.path == target.path
                    || (identity != nil && earlier.identity.map { $0 == identity! } == true)
                if same {
                    throw ConfigurationError(
                        "\(target.role) \(target.given) is the same file as \(earlier.output.target.role)"
                            + " \(earlier.output.target.given); one would overwrite the other: give each its own path"
                    )
                }
            }
            if identity != nil, target.kind == .file, output.checksContents {
                switch contents(of: target.path) {
                case .journal where !output.isJournal:
                    throw ConfigurationError(
                        "\(target.role) \(target.given) is a flowbatch journal; writing there would lose what it"
                            + " records (and undo could no longer delete what it created): choose another path"
                    )
                case .other where output.isJournal:
                    throw ConfigurationError(
                        "\(target.given) is not a flowbatch journal (its first line is not a journal's; another program"
                            + " may have written over it), so it cannot say what earlier runs created: move it away and"
                            + " check the results file, or use --restart to start over"
                    )
                case .other where output.replacesOnlyOwnFiles:
                    throw ConfigurationError(
                        "\(target.role) \(target.given) exists and is not a file flowbatch wrote; it would be"
                            + " overwritten: choose another path, or move it away"
                    )
                default:
                    break
                }
            }
            seen.append((output, identity))
        }
    }

    /// What the file at `path` holds, by its first bytes.
    static func contents(of path: String) -> Contents {
        guard let file = fopen(path, "r") else { return .other }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = fread(&buffer, 1, buffer.count, file)
        let head = buffer[..<count]
        guard !head.isEmpty else { return .nothing }
        if head.starts(with: Array(#"{"event":""#.utf8)) { return .journal }
        if head.starts(with: Array("row,name,sandbox,".utf8))
            || head.starts(with: Array("name,description,sandbox,auth,host,".utf8))
        {
            return .results
        }
        return .other
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
