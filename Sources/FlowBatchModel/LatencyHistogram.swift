import Foundation

/// Request latencies in logarithmic buckets (about 3% wide, 0.1 ms to about 10 min): percentiles
/// in constant memory, however many requests a run sends.
public struct LatencyHistogram: Sendable, Equatable {
    private static let bucketsPerDoubling = 24.0
    private static let floorSeconds = 0.000_1
    private var counts = [Int](repeating: 0, count: 24 * 23)
    /// Requests recorded.
    public private(set) var total = 0

    public init() {}

    /// Records one latency.
    public mutating func record(_ duration: Duration) {
        let seconds = max(duration.seconds, Self.floorSeconds)
        let index = Int((Self.bucketsPerDoubling * log2(seconds / Self.floorSeconds)).rounded(.down))
        counts[min(max(index, 0), counts.count - 1)] += 1
        total += 1
    }

    /// The latency below which `fraction` (0...1) of the requests fall, in milliseconds (the upper
    /// edge of its bucket).
    public func percentile(_ fraction: Double) -> Double? {
        guard total > 0 else { return nil }
        let target = max(1, Int((fraction * Double(total)).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() {
            seen += count
            if seen >= target {
                return Self.floorSeconds * pow(2, Double(index + 1) / Self.bucketsPerDoubling) * 1000
            }
        }
        return nil
    }
}
