import ArgumentParser
import FlowBatch
import FlowBatchModel
import Foundation

/// `--through` and the options of the steps past the base connection, as `run` takes them.
struct ChainCommandOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "How far down the onboarding chain each row goes: 'connection' (a base connection), 'source' (and a source connection), 'flow' (and a target connection and a dataflow).",
            valueName: "step"
        )
    )
    var through: ThroughOption = .connection

    @Option(help: "The flow's Data Lake dataset, for rows without a dataset_id cell (--through flow).")
    var dataset: String?

    @Option(help: "The flow's Data Prep mapping set, for rows without a mapping_set_id cell (--through flow).")
    var mappingSet: String?

    @Option(help: "A flow spec ID other than the one named RestStorageToAEP (--through flow).")
    var flowSpec: String?

    @Option(help: "How often the flows run: once, 15m, 1h, 1d or 1w (a count and a unit; --through flow).")
    var schedule = "once"

    @Option(help: "The flows' first run: an ISO 8601 time (2026-12-24T06:00:00Z) or 'now' (--through flow).")
    var start = "now"

    @Option(
        help: ArgumentHelp(
            "Spreads the flows' start times: each row starts this much after the row before it (--through flow).",
            valueName: "duration"
        )
    )
    var stagger: DurationOption?

    @Option(help: "The source connection's data format (--through source|flow).")
    var dataFormat = "json"

    func validate() throws {
        let flowOnly: [(String, Bool)] = [
            ("--dataset", dataset != nil), ("--mapping-set", mappingSet != nil), ("--flow-spec", flowSpec != nil),
            ("--schedule", schedule != "once"), ("--start", start != "now"), ("--stagger", stagger != nil),
        ]
        if through != .flow, let given = flowOnly.first(where: \.1) {
            throw ValidationError("\(given.0) goes with --through flow (it sets up the dataflow)")
        }
        if through == .connection, dataFormat != "json" {
            throw ValidationError("--data-format goes with --through source or flow (it is the source connection's)")
        }
        if case .failure(let error) = ChainSchedule.parse(schedule, startTime: 0) {
            throw ValidationError("--schedule \(error)")
        }
        _ = try startTime()
        for (name, value) in [("--dataset", dataset), ("--mapping-set", mappingSet), ("--flow-spec", flowSpec)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty || value.contains(",") {
                throw ValidationError("\(name) must be one ID")
            }
        }
    }

    /// `--start` in epoch seconds; `nil` for now.
    func startTime() throws -> Int64? {
        if start.lowercased() == "now" { return nil }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: start) { return Int64(date.timeIntervalSince1970) }
        }
        throw ValidationError(
            "--start '\(start)' is not a time: write ISO 8601 with a zone (2026-12-24T06:00:00Z), a date (2026-12-24) or now"
        )
    }

    /// The options as the run takes them.
    func chainOptions() throws -> ChainOptions {
        var options = ChainOptions()
        options.through = through.step
        options.datasetID = dataset?.trimmingCharacters(in: .whitespaces)
        options.mappingSetID = mappingSet?.trimmingCharacters(in: .whitespaces)
        options.flowSpecID = flowSpec?.trimmingCharacters(in: .whitespaces)
        options.schedule = schedule
        options.startTime = try startTime()
        options.stagger = stagger?.duration ?? .zero
        options.dataFormat = dataFormat
        return options
    }
}

/// `--through connection|source|flow`.
enum ThroughOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case connection, source, flow

    var step: ChainStep {
        switch self {
        case .connection: .connection
        case .source: .source
        case .flow: .flow
        }
    }
}
