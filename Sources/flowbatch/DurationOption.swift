import ArgumentParser
import FlowServiceMock

/// A duration option as the mock's options write them (`90s`, `10m`, `1.5h`): one way to write a
/// duration on flowbatch's whole command line.
struct DurationOption: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(_ duration: Duration) {
        self.duration = duration
    }

    init?(argument: String) {
        guard let parsed = try? MockDuration.parse(argument), parsed > .zero else { return nil }
        duration = parsed
    }

    var defaultValueDescription: String { MockDuration.format(duration) }
}
