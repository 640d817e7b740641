import FlowBatchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows a run's progress on stderr: a live line on a terminal (done/total, created, failed,
/// retrying, rows/s, ETA, current concurrency), or a log line every few seconds otherwise.
public final class ProgressReporter: Sendable {
    /// How progress is shown.
    public enum Mode: String, Sendable, CaseIterable {
        /// A bar on a terminal, log lines otherwise.
        case auto
        /// A live line, redrawn in place.
        case bar
        /// A line every few seconds.
        case log
        /// Nothing.
        case none
    }

    private let statistics: RunStatistics
    private let mode: Mode
    private let write: @Sendable (String) -> Void

    /// `mode` must be resolved (`bar`, `log` or `none`); `write` prints without a line break.
    /// The line for a snapshot and a rate, within a width (the run's by default).
    public typealias Line = @Sendable (RunStatistics.Snapshot, Double?, Int) -> String

    private let line: Line

    public init(
        statistics: RunStatistics,
        mode: Mode,
        line: @escaping Line = { ProgressReporter.line($0, rate: $1, width: $2) },
        write: @escaping @Sendable (String) -> Void
    ) {
        self.statistics = statistics
        self.mode = mode
        self.line = line
        self.write = write
    }

    /// Reports until the task is cancelled; then clears the live line.
    public func run() async {
        guard mode == .bar || mode == .log else { return }
        let interval: Duration = mode == .bar ? .milliseconds(250) : .seconds(5)
        var window = RateWindow()
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            let snapshot = statistics.snapshot
            let rate = window.update(done: snapshot.done, at: .now)
            if mode == .bar {
                // A line longer than the terminal wraps, and `\r` then redraws only its last part: it
                // is fitted to the width, read again each time (the window may be resized).
                let columns = Self.terminalColumns()
                write("\r\u{1B}[2K" + Self.fitted(line(snapshot, rate, columns - 1), to: columns))
            } else {
                write("progress: " + line(snapshot, rate, .max) + "\n")
            }
        }
        if mode == .bar { write("\r\u{1B}[2K") }
    }

    /// The progress line; within `width` characters, the least telling parts are left out first
    /// (in flight, retrying, ...) so that a narrow terminal still shows counts, rate and ETA.
    public static func line(_ snapshot: RunStatistics.Snapshot, rate: Double?, width: Int = .max) -> String {
        // (part, how soon it is left out when the line is too wide: higher goes first)
        var parts: [(text: String, drop: Int)] = []
        if let listing = snapshot.listing {
            // Before the first row: the listing of existing connections is its own phase.
            parts.append(("listing existing connections in sandbox \(listing.sandbox): \(listing.listed) so far", 0))
            if let total = snapshot.total { parts.append(("\(total) rows to go", 1)) }
        } else {
            if let total = snapshot.total, total > 0 {
                let percent = Int(Double(snapshot.done) / Double(total) * 100)
                parts.append(("\(snapshot.done)/\(total) rows (\(percent)%)", 0))
            } else {
                parts.append(("\(snapshot.done) rows", 0))
            }
            let earlier = snapshot.earlier[.created] ?? 0
            parts.append(
                ("created \(snapshot.count(.created) - earlier)" + (earlier > 0 ? " (+\(earlier) earlier)" : ""), 1)
            )
            if snapshot.count(.exists) > 0 { parts.append(("exists \(snapshot.count(.exists))", 4)) }
            if snapshot.count(.updated) > 0 { parts.append(("updated \(snapshot.count(.updated))", 1)) }
            if snapshot.count(.unchanged) > 0 { parts.append(("unchanged \(snapshot.count(.unchanged))", 4)) }
            parts.append(("failed \(snapshot.count(.failed))", snapshot.count(.failed) > 0 ? 1 : 5))
            if snapshot.count(.invalid) > 0 { parts.append(("invalid \(snapshot.count(.invalid))", 4)) }
            if snapshot.retrying > 0 { parts.append(("retrying \(snapshot.retrying)", 6)) }
            if let rate {
                parts.append(("\(rate >= 10 ? String(Int(rate)) : RunSummary.format(rate, digits: 1)) rows/s", 3))
                if let total = snapshot.total, rate > 0, total > snapshot.done {
                    parts.append(("ETA \(Self.clock(Double(total - snapshot.done) / rate))", 2))
                }
            }
            parts.append(("in flight \(snapshot.inFlight)/\(snapshot.concurrency)", 7))
        }
        if let notice = snapshot.notice { parts.insert((notice, 0), at: 0) }
        var line = parts.map(\.text).joined(separator: " · ")
        while line.count > width,
            let drop = parts.indices.filter({ parts[$0].drop > 0 }).max(by: { parts[$0].drop < parts[$1].drop })
        {
            parts.remove(at: drop)
            line = parts.map(\.text).joined(separator: " · ")
        }
        return line
    }

    /// `line` cut to fit in `columns` terminal columns (one left free, so the cursor never wraps).
    package static func fitted(_ line: String, to columns: Int) -> String {
        let room = max(columns - 1, 10)
        guard line.count > room else { return line }
        return String(line.prefix(room - 1)) + "…"
    }

    /// The width of the terminal on stderr, or of `COLUMNS`, or 80.
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = getenv("COLUMNS"), let columns = Int(String(cString: text)), columns > 0 { return columns }
        return 80
    }

    package static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let hours = total / 3600
        let minutes = total / 60 % 60
        let rest = total % 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(minutes):\(two(rest))"
    }

    /// Rows per second over the last ten seconds or so.
    private struct RateWindow {
        private var samples: [(at: ContinuousClock.Instant, done: Int)] = []

        mutating func update(done: Int, at now: ContinuousClock.Instant) -> Double? {
            samples.append((now, done))
            while let first = samples.first, now - first.at > .seconds(10), samples.count > 2 {
                samples.removeFirst()
            }
            guard let first = samples.first, now - first.at > .milliseconds(500) else { return nil }
            return Double(done - first.done) / (now - first.at).seconds
        }
    }
}
