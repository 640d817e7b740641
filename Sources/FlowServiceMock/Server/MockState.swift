import Foundation
import Logging

/// Everything the handlers share: the configuration, the connections, the issued tokens, the
/// counters and the fault generators.
final class MockState: Sendable {
    let configuration: MockConfiguration
    let store: ConnectionStore
    /// Source connections, target connections and flows.
    let resources: ResourceStore
    let tokens = TokenStore()
    let counter = RequestCounter()
    let throttle = ThrottleWindow()
    let faults: FaultInjector
    let identifiers = IdentifierSource()
    /// A stable `sandboxId` per configured sandbox name.
    let sandboxIDs: [String: String]
    let logger: Logger
    /// The auth specs the generic REST connection spec lists; creates accept only these names.
    let authSpecs: [AuthSpec]
    /// The mock clock's reading at start, the origin of the outage window.
    let startedAt: Duration
    /// The wall time at start, in epoch milliseconds: with ``startedAt`` it turns the mock's clock
    /// into the epoch time that flow schedules are compared with, so a manual clock moves runs too.
    let startedAtEpochMilliseconds: Int64

    init(configuration: MockConfiguration, logger: Logger) {
        self.configuration = configuration
        let store = ConnectionStore()
        self.store = store
        self.resources = ResourceStore(connections: store)
        self.startedAtEpochMilliseconds = Int64((Date().timeIntervalSince1970 * 1_000).rounded())
        self.faults = FaultInjector(configuration.faults)
        let identifiers = self.identifiers
        self.sandboxIDs = Dictionary(
            configuration.sandboxes.map { ($0, identifiers.uuid()) },
            uniquingKeysWith: { first, _ in first }
        )
        self.logger = logger
        self.authSpecs = AuthSpec.listed(oauthName: configuration.oauthSpecName)
        self.startedAt = configuration.clock.now
        if configuration.faults.seed == nil {
            logger.info("Fault seed \(self.faults.seed); pass --seed \(self.faults.seed) to repeat these fault choices")
        }
    }

    /// The listed auth spec called `name`, if any.
    func authSpec(named name: String) -> AuthSpec? {
        self.authSpecs.first { $0.name == name }
    }

    /// Whether the mock's clock is inside the configured outage window now.
    var inOutage: Bool {
        let faults = self.faults.faults
        return faults.outageAt != nil && faults.inOutage(elapsed: self.configuration.clock.now - self.startedAt)
    }

    /// Now on the mock's clock, in epoch milliseconds.
    var epochMilliseconds: Int64 {
        let elapsed = self.configuration.clock.now - self.startedAt
        return self.startedAtEpochMilliseconds + elapsed.components.seconds * 1_000
            + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    func stats() -> MockStats {
        MockStats(
            connections: self.store.totalCount,
            duplicateNames: self.store.duplicateNames,
            requests: self.counter.snapshot,
            sourceConnections: self.resources.count(.sourceConnections),
            targetConnections: self.resources.count(.targetConnections),
            flows: self.resources.count(.flows)
        )
    }
}
