import Foundation
import NIOCore

/// The request bodies of a benchmark run, as scripts/lib/bench_bodies.py writes them: one
/// `SANDBOX<TAB>JSON` line per row; lines that are blank or only white space are skipped,
/// as the Python peer skips them.
struct BodiesFile: Sendable {
    /// One `POST /connections`: the sandbox it goes to and its body, exactly as in the file.
    struct Post: Sendable {
        var sandbox: String
        var body: ByteBuffer
    }

    /// Why the file cannot be used, as one sentence.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    var posts: [Post]

    /// Reads the whole file at `path`; throws ``Unreadable`` for a line without a tab.
    init(path: String) throws {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Unreadable(description: "cannot read \(path): \(error.localizedDescription)")
        }
        var posts: [Post] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where line.contains(where: { !Self.isSpace($0) }) {
            guard let tab = line.firstIndex(of: UInt8(ascii: "\t")) else {
                throw Unreadable(description: "\(path): line \(index + 1) has no tab between the sandbox and the body")
            }
            posts.append(
                Post(
                    sandbox: String(decoding: line[..<tab], as: UTF8.self),
                    body: ByteBuffer(bytes: line[line.index(after: tab)...])
                )
            )
        }
        self.posts = posts
    }

    /// What Python's `bytes.strip()` strips.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
