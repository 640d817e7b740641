import FlowBatchModel
import Foundation

/// The end of a run in numbers: counts per status, the most common errors, latency percentiles,
/// elapsed time and rate, where the results are, and what running the same command again will do.
public struct RunSummary: Sendable, Equatable {
    /// One kind of error and how often it happened.
    public struct ErrorCount: Sendable, Equatable {
        public var code: String
        /// The field, for invalid rows: rows missing a password and rows missing a host are two kinds.
        public var field: String? = nil
        public var count: Int
        public var message: String

        package init(code: String, field: String? = nil, count: Int, message: String) {
            self.code = code
            self.field = field
            self.count = count
            self.message = message
        }
    }

    /// A name the service holds more often after the run than the run accounts for.
    public struct Duplicate: Sendable, Equatable {
        public var sandbox: String
        public var name: String
        /// Every connection of that name, oldest first.
        public var connectionIDs: [String]

        package init(sandbox: String, name: String, connectionIDs: [String]) {
            self.sandbox = sandbox
            self.name = name
            self.connectionIDs = connectionIDs
        }
    }

    public var rows: Int
    public var counts: [RowStatus: Int]
    public var topErrors: [ErrorCount]
    /// Rows an earlier run finished, by status (also counted in ``counts``).
    public var earlier: [RowStatus: Int] = [:]
    public var requests: Int
    /// Latency percentiles of POST requests in milliseconds.
    public var p50: Double?
    public var p95: Double?
    public var p99: Double?
    public var elapsedSeconds: Double
    public var resultsPath: String
    public var journalPath: String?
    /// Rows created by a request whose answer was lost, found by name instead of created twice.
    public var recovered: Int
    /// Rows whose values changed since an earlier run created them.
    public var changedSinceCreated: Int
    /// Why the run stopped early, if it did.
    public var stoppedBecause: String?
    /// Whether it stopped on a run error, which the command prints on stderr as `error:` (the
    /// summary then points there instead of saying it a second time).
    public var stoppedOnRunError = false
    public var exitCode: Int32
    public var dryRun = false
    /// Whether ``text`` ends with what running the same command again will do.
    public var showsRerunAdvice = true
    /// Connections this output created for rows no longer in the input, listed after its rows.
    public var notInInput = 0
    /// Names this run created that the service now holds more than once (exit 1).
    public var duplicates: [Duplicate] = []
    /// `--limit N`, and the data rows after the first N that were not read (a canary's rest).
    public var limit: Int?
    public var unread = 0

    package init(
        rows: Int,
        counts: [RowStatus: Int],
        topErrors: [ErrorCount],
        earlier: [RowStatus: Int] = [:],
        requests: Int,
        p50: Double? = nil,
        p95: Double? = nil,
        p99: Double? = nil,
        elapsedSeconds: Double,
        resultsPath: String,
        journalPath: String?,
        recovered: Int,
        changedSinceCreated: Int,
        stoppedBecause: String?,
        exitCode: Int32,
        dryRun: Bool = false,
        showsRerunAdvice: Bool = true,
        notInInput: Int = 0,
        duplicates: [Duplicate] = []
    ) {
        self.rows = rows
        self.counts = counts
        self.topErrors = topErrors
        self.earlier = earlier
        self.requests = requests
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.elapsedSeconds = elapsedSeconds
        self.resultsPath = resultsPath
        self.journalPath = journalPath
        self.recovered = recovered
        self.changedSinceCreated = changedSinceCreated
        self.stoppedBecause = stoppedBecause
        self.exitCode = exitCode
        self.dryRun = dryRun
        self.showsRerunAdvice = showsRerunAdvice
        self.notInInput = notInInput
        self.duplicates = duplicates
    }

    public func count(_ status: RowStatus) -> Int { counts[status] ?? 0 }

    /// Rows settled per second: rows a stopped run did not reach do not count.
    public var rowsPerSecond: Double {
        elapsedSeconds > 0 ? Double(rows - count(.notRun) - earlier.values.reduce(0, +)) / elapsedSeconds : 0
    }

    /// Rows settled by this run (not by an earlier one, not left unreached).
    private var settledNow: Int { rows - count(.notRun) - earlier.values.reduce(0, +) }

    /// What running the same command again will do.
    public var rerunAdvice: String {
        let done = RowStatus.allCases.filter(\.isDone).map(count).reduce(0, +)
        let again = count(.failed) + count(.notRun) + count(.invalid)
        if unread > 0, let limit {
            // A canary: the same command reads the same first rows; the rest needs the command without it.
            let first =
                again == 0
                ? "Running the same command again sends nothing for these \(Self.plural(rows, "row"))"
                : "Running the same command again tries the \(again) of these \(Self.plural(rows, "row")) not done"
            return first + "; without --limit \(limit), it goes on with the \(Self.plural(unread, "row")) not read."
        }
        if again == 0, count(.updated) + count(.unchanged) > 0 {
            return "Running the same command again sends nothing: every connection matches its row."
        }
        if again == 0 {
            return "Running the same command again sends nothing: every row is created or exists."
        }
        var parts: [String] = []
        if count(.failed) > 0 { parts.append(Self.plural(count(.failed), "failed row")) }
        if count(.notRun) > 0 { parts.append(Self.plural(count(.notRun), "row") + " not run") }
        if count(.invalid) > 0 { parts.append(Self.plural(count(.invalid), "invalid row") + " (once fixed)") }
        var text = "Running the same command again tries the " + parts.joined(separator: ", ")
        if done > 0 { text += " and leaves the \(done) created or existing alone" }
        return text + "."
    }

    /// The summary as the terminal shows it.
    public var text: String {
        var lines: [String] = []
        let elapsed = "\(Self.plural(rows, "row")) in \(Self.format(elapsedSeconds, digits: 1)) s"
        if settledNow == 0, rows > 0, count(.notRun) < rows {
            // Nothing was settled now: a rate of 0.0 rows/s would read as a stall.
            lines.append(elapsed + " (every row was done by an earlier run)")
        } else {
            let rate = rowsPerSecond >= 100 ? String(Int(rowsPerSecond)) : Self.format(rowsPerSecond, digits: 1)
            lines.append(elapsed + " (\(rate) rows/s)")
        }
        // `updated` and `unchanged` only where `--if-exists update` made them.
        let shown = RowStatus.allCases.filter { ![.updated, .unchanged].contains($0) || count($0) > 0 }
        // A re-run that sends nothing must not read as if it had created the rows just now: "N now, M
        // earlier". The first number of every line is right-aligned in one column.
        let now = { (status: RowStatus) in self.count(status) - (self.earlier[status] ?? 0) }
        let width = shown.map { String(now($0)).count }.max() ?? 1
        let label = shown.map(\.rawValue.count).max() ?? 8
        for status in shown {
            let before = earlier[status] ?? 0
            let first = String(now(status))
            let padded = String(repeating: " ", count: max(0, width - first.count)) + first
            let number = before > 0 ? "\(padded) now, \(before) earlier" : padded
            lines.append("  \(status.rawValue.padding(toLength: max(8, label), withPad: " ", startingAt: 0)) \(number)")
        }
        if unread > 0, let limit {
            lines.append("Not read: \(Self.plural(unread, "row")) after the first \(limit) (--limit \(limit)).")
        }
        if !topErrors.isEmpty {
            lines.append("Most common errors:")
            for error in topErrors {
                let kind = error.field.map { "\(error.code) (\($0))" } ?? error.code
                lines.append("  \(kind) ×\(error.count): \(error.message)")
            }
        }
        if requests > 0, let p50, let p95, let p99 {
            lines.append(
                "Latency of \(Self.plural(requests, "request")): p50 \(Self.milliseconds(p50)), p95 \(Self.milliseconds(p95)), p99 \(Self.milliseconds(p99))"
            )
        }
        if recovered > 0 {
            lines.append(
                "\(Self.plural(recovered, "row")) whose answer was lost turned out to be created (found by a look-up, not sent twice)."
            )
        }
        if changedSinceCreated > 0 {
            lines.append(
                "\(Self.plural(changedSinceCreated, "row")) changed in the spreadsheet since an earlier run created \(changedSinceCreated == 1 ? "its connection" : "their connections"); they were not sent again (run with --if-exists update to patch them)."
            )
        }
        if notInInput > 0 {
            lines.append(
                "\(Self.plural(notInInput, "connection")) this output created earlier \(notInInput == 1 ? "belongs" : "belong") to rows no longer in the input: listed after the input's rows in the results (undo deletes them)."
            )
        }
        if !duplicates.isEmpty {
            let shown = duplicates.prefix(5).map { "'\($0.name)' (sandbox \($0.sandbox), ×\($0.connectionIDs.count))" }
            lines.append(
                "Duplicates: \(Self.plural(duplicates.count, "name")) this run created \(duplicates.count == 1 ? "is" : "are") now held more than once by the service"
                    + " (another run, tool or machine created \(duplicates.count == 1 ? "it" : "them") too): "
                    + shown.joined(separator: ", ") + (duplicates.count > 5 ? ", …" : "")
                    + ". See --summary-json for their IDs."
            )
        }
        if stoppedOnRunError {
            lines.append("Stopped early on a run error (the 'error:' line on stderr says what to fix).")
        } else if let stoppedBecause {
            lines.append("Stopped early: \(stoppedBecause)")
        }
        if !dryRun {
            lines.append("Results: \(resultsPath)")
            if showsRerunAdvice { lines.append(rerunAdvice) }
        }
        return lines.joined(separator: "\n")
    }

    /// The summary as `--summary-json` writes it.
    public var json: [UInt8] {
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.field("rows", rows)
        json.key("counts")
        json.beginObject()
        for status in RowStatus.allCases { json.field(status.rawValue, count(status)) }
        json.endObject()
        json.key("topErrors")
        json.beginArray()
        for error in topErrors {
            json.beginObject()
            json.field("code", error.code)
            json.field("field", error.field)
            json.field("count", error.count)
            json.field("message", error.message)
            json.endObject()
        }
        json.endArray()
        json.field("requests", requests)
        json.key("latencyMs")
        json.beginObject()
        for (name, value) in [("p50", p50), ("p95", p95), ("p99", p99)] {
            json.key(name)
            if let value { json.number((value * 10).rounded() / 10) } else { json.null() }
        }
        json.endObject()
        json.key("elapsedSeconds")
        json.number((elapsedSeconds * 1000).rounded() / 1000)
        json.key("rowsPerSecond")
        json.number((rowsPerSecond * 10).rounded() / 10)
        json.field("recovered", recovered)
        json.field("changedSinceCreated", changedSinceCreated)
        json.field("notInInput", notInInput)
        json.key("duplicates")
        json.beginArray()
        for duplicate in duplicates {
            json.beginObject()
            json.field("sandbox", duplicate.sandbox)
            json.field("name", duplicate.name)
            json.key("connectionIds")
            json.beginArray()
            for id in duplicate.connectionIDs { json.string(id) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.key("earlier")
        json.beginObject()
        for status in RowStatus.allCases where (earlier[status] ?? 0) > 0 {
            json.field(status.rawValue, earlier[status] ?? 0)
        }
        json.endObject()
        // A dry run writes neither file: it names none.
        json.field("resultsPath", dryRun ? nil : resultsPath)
        json.field("journalPath", dryRun ? nil : journalPath)
        json.field("stoppedBecause", stoppedBecause)
        json.field("unread", unread)
        json.field("exitCode", Int(exitCode))
        json.field("rerun", rerunAdvice)
        json.key("dryRun")
        json.bool(dryRun)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    package static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    static func format(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if digits == 0, text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 100 ? "\(Int(value.rounded())) ms" : "\(format(value, digits: 1)) ms"
    }
}
