import Synchronization

/// Counts answers per route and status, e.g. `"POST /connections"` → `"201"` → 12.
final class RequestCounter: Sendable {
    private let counts = Mutex<[String: [String: Int]]>([:])

    func record(route: String, status: String) {
        self.counts.withLock { $0[route, default: [:]][status, default: 0] += 1 }
    }

    var snapshot: [String: [String: Int]] {
        self.counts.withLock { $0 }
    }
}
