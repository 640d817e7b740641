import ArgumentParser
import FlowBatchModel

/// A duration option (`--timeout 30s`, `--outage-limit 10m`; a bare number is seconds): one way to
/// write a duration on flowbatch's own command line (``DurationText``).
struct DurationOption: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(_ duration: Duration) {
        self.duration = duration
    }

    init?(argument: String) {
        guard let parsed = DurationText.parse(argument), parsed > .zero else { return nil }
        duration = parsed
    }

    var defaultValueDescription: String { DurationText.format(duration) }
}
