/// Durations as flowbatch's options write them: a non-negative decimal number and a unit, `ms`, `s`,
/// `m` or `h` (`500ms`, `30s`, `10m`, `1.5h`), or a bare number of seconds (`30`, as `--timeout` was
/// always written). The mock reads its own options itself: it shares no code with the client.
public enum DurationText {
    /// `text` as a duration, or `nil` when it is not one.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingPrefix(while: { $0 == " " })
        let numberEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        guard let value = Double(trimmed[..<numberEnd]), value.isFinite, value >= 0 else { return nil }
        let seconds: Double? =
            switch trimmed[numberEnd...].trimmingPrefix(while: { $0 == " " }) {
            case "", "s": value
            case "ms": value / 1_000
            case "m": value * 60
            case "h": value * 3_600
            default: nil
            }
        guard let seconds, seconds < 1e9 else { return nil }
        return .milliseconds(Int64((seconds * 1_000).rounded()))
    }

    /// `duration` in the largest unit that keeps it whole: `30s`, `10m`, `1500ms`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        for (suffix, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1_000)] where milliseconds % size == 0 {
            return milliseconds == 0 ? "0s" : "\(milliseconds / size)\(suffix)"
        }
        return "\(milliseconds)ms"
    }
}
