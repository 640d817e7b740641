import Foundation

/// Durations as the mock's options write them: a non-negative decimal number and a unit,
/// `us`, `ms`, `s`, `m` or `h` (`20ms`, `1.5s`, `2m`, `24h`). A bare `0` is also accepted.
public enum MockDuration {
    /// Parses `text` into a `Duration`.
    ///
    /// - Parameter option: the option name used in the error.
    /// - Throws: ``MockConfigurationError`` with code `invalidDuration`.
    public static func parse(_ text: String, option: String = "duration") throws(MockConfigurationError) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" {
            return .zero
        }
        let numberEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        let number = trimmed[..<numberEnd]
        let unit = trimmed[numberEnd...]
        let unitNanoseconds: Double? =
            switch unit {
            case "us": 1e3
            case "ms": 1e6
            case "s": 1e9
            case "m": 60e9
            case "h": 3_600e9
            default: nil
            }
        guard
            !number.isEmpty,
            let value = Double(number),
            value.isFinite,
            let unitNanoseconds
        else {
            throw MockConfigurationError(.invalidDuration, option: option, value: text)
        }
        let nanoseconds = (value * unitNanoseconds).rounded()
        guard nanoseconds < Double(Int64.max) else {
            throw MockConfigurationError(.outOfRange, option: option, value: text)
        }
        return .nanoseconds(Int64(nanoseconds))
    }

    /// Writes `duration` in the largest unit that keeps it a whole number, e.g. `1500ms`, `2m`, `24h`.
    public static func format(_ duration: Duration) -> String {
        let nanoseconds =
            Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        let units: [(suffix: String, nanoseconds: Int64)] = [
            ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000),
        ]
        if nanoseconds == 0 {
            return "0ms"
        }
        for unit in units where nanoseconds % unit.nanoseconds == 0 {
            return "\(nanoseconds / unit.nanoseconds)\(unit.suffix)"
        }
        return "\(nanoseconds)ns"
    }
}
