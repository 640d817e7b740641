import Synchronization

/// Unique random identifiers (connection IDs, etags, request IDs) from one generator seeded from
/// the system's random source, so that an answer costs no system call per identifier.
final class IdentifierSource: Sendable {
    private let generator: Mutex<SplitMix64>

    init() {
        var system = SystemRandomNumberGenerator()
        self.generator = Mutex(SplitMix64(seed: system.next()))
    }

    /// A new lowercase version-4 UUID.
    func uuid() -> String {
        let (high, low) = self.generator.withLock { ($0.next(), $0.next()) }
        return RandomText.uuid(high: high, low: low)
    }

    /// A new etag, quotes included.
    func etag() -> String {
        let (high, low) = self.generator.withLock { ($0.next(), $0.next()) }
        return RandomText.etag(high: high, low: low)
    }
}
