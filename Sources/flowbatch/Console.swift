import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to the terminal: results on stdout, diagnostics on stderr.
enum Console {
    /// Prints a line on stdout.
    static func out(_ line: String) {
        print(line)
    }

    private static let quietFlag = Atomic<Bool>(false)

    /// `--quiet`: stderr shows only errors (and stdout the results and the summary); notes,
    /// warnings and progress are left out.
    static var quiet: Bool {
        get { quietFlag.load(ordering: .relaxed) }
        set { quietFlag.store(newValue, ordering: .relaxed) }
    }

    /// Whether stderr is a terminal: only then may a line be redrawn with control sequences.
    static let stderrIsTerminal = isatty(2) != 0

    /// Prints a line on stderr, unbuffered so that it interleaves with progress output correctly;
    /// with `--quiet`, only lines that are not a note or a warning.
    static func err(_ line: String) {
        if quiet, line.hasPrefix("note: ") || line.hasPrefix("warning: ") { return }
        errRaw(line + "\n")
    }

    /// Prints text on stderr as it is (the progress line redraws itself with it).
    static func errRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if written < 0, errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// Flushes stdout, before exiting or before printing on stderr what must come after it.
    static func flush() {
        fflush(nil)
    }
}
