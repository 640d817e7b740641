import Logging

/// Everything the handlers share: the configuration, the connections, the issued tokens, the
/// counters and the fault generators.
final class MockState: Sendable {
    let configuration: MockConfiguration
    let store = ConnectionStore()
    let tokens = TokenStore()
    let counter = RequestCounter()
    let throttle = ThrottleWindow()
    let faults: FaultInjector
    let identifiers = IdentifierSource()
    /// A stable `sandboxId` per configured sandbox name.
    let sandboxIDs: [String: String]
    let logger: Logger

    init(configuration: MockConfiguration, logger: Logger) {
        self.configuration = configuration
        self.faults = FaultInjector(configuration.faults)
        let identifiers = self.identifiers
        self.sandboxIDs = Dictionary(
            configuration.sandboxes.map { ($0, identifiers.uuid()) },
            uniquingKeysWith: { first, _ in first }
        )
        self.logger = logger
        if configuration.faults.seed == nil {
            logger.info("Fault seed \(self.faults.seed); pass --seed \(self.faults.seed) to repeat these fault choices")
        }
    }

    func stats() -> MockStats {
        MockStats(
            connections: self.store.totalCount,
            duplicateNames: self.store.duplicateNames,
            requests: self.counter.snapshot
        )
    }
}
