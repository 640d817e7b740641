/// A flow's `scheduleParams` as validated: when its first run is due and how often it repeats.
struct FlowSchedule: Sendable, Equatable {
    /// How often a flow runs: Adobe's `once`, `minute`, `hour`, `day`, `week`.
    enum Frequency: String, Sendable, CaseIterable {
        case once, minute, hour, day, week

        /// The length of one unit, in seconds (`nil` for `once`).
        var seconds: Int64? {
            switch self {
            case .once: nil
            case .minute: 60
            case .hour: 3_600
            case .day: 86_400
            case .week: 604_800
            }
        }
    }

    /// Epoch seconds.
    var startTime: Int64
    var frequency: Frequency
    /// Units of ``frequency`` between runs; `nil` for `once`.
    var interval: Int64?
    var backfill: Bool?

    /// The start times (epoch seconds) of the runs due by `now` (epoch seconds), oldest first, at
    /// most `limit` of the latest.
    func runStarts(now: Int64, limit: Int = 20) -> [Int64] {
        guard now >= self.startTime else { return [] }
        guard let unit = self.frequency.seconds, let interval, interval > 0 else { return [self.startTime] }
        let period = unit * interval
        let count = (now - self.startTime) / period + 1
        let first = max(0, count - Int64(limit))
        return (first..<count).map { self.startTime + $0 * period }
    }
}
