import Foundation

/// A mock that is listening. Copies share the same server.
public struct RunningMock: Sendable {
    /// The port the server is bound to (the real one, also when `0` was asked for).
    public let port: Int
    /// The host from the configuration.
    public let host: String
    let state: MockState
    let lifecycle: MockLifecycle

    /// `http://HOST:PORT` (`https://` when serving TLS), without a path.
    public var baseURL: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "\(self.state.configuration.tls == nil ? "http" : "https")://\(host):\(self.port)"
    }

    /// ``baseURL`` + `/data/foundation/flowservice`.
    public var flowServiceURL: String {
        self.baseURL + MockRoute.flowServicePath
    }

    /// The configuration the mock was started with (faults as at start).
    public var configuration: MockConfiguration {
        self.state.configuration
    }

    /// What the mock has seen so far: the same content as `GET /__mock/stats`.
    public func stats() -> MockStats {
        self.state.stats()
    }

    /// The connections in `sandbox` (in every sandbox when `nil`), in creation order.
    public func connections(sandbox: String?) -> [MockConnection] {
        self.state.store.snapshot(sandbox: sandbox).map(MockConnection.init)
    }

    /// The source connections in `sandbox` (in every sandbox when `nil`), in creation order.
    public func sourceConnections(sandbox: String?) -> [MockSourceConnection] {
        self.state.resources.snapshot(.sourceConnections, sandbox: sandbox).map(MockSourceConnection.init)
    }

    /// The target connections in `sandbox` (in every sandbox when `nil`), in creation order.
    public func targetConnections(sandbox: String?) -> [MockTargetConnection] {
        self.state.resources.snapshot(.targetConnections, sandbox: sandbox).map(MockTargetConnection.init)
    }

    /// The flows in `sandbox` (in every sandbox when `nil`), in creation order.
    public func flows(sandbox: String?) -> [MockFlow] {
        self.state.resources.snapshot(.flows, sandbox: sandbox).map(MockFlow.init)
    }

    /// The runs due by now on the mock's clock, of the flow `flowID` (of every flow when `nil`) in
    /// `sandbox` (every sandbox when `nil`), in flow creation order, oldest first.
    public func runs(flowID: String? = nil, sandbox: String? = nil) -> [MockRun] {
        self.state.runs(sandbox: sandbox).filter { flowID == nil || $0.flow.id == flowID }.map(MockRun.init)
    }

    /// Now on the mock's clock as wall time: the start time plus how far the configured clock
    /// moved since (so a ``ManualMockClock`` moves it). Flow schedules are compared with it.
    public var now: Date {
        Date(timeIntervalSince1970: Double(self.state.epochMilliseconds) / 1_000)
    }

    /// Adds a Basic Authentication connection directly, as if it had been created earlier.
    ///
    /// A `sandbox` that is not among the configured ones is accepted but unreachable over HTTP.
    @discardableResult
    public func insertConnection(
        name: String,
        sandbox: String = "prod",
        specName: String = "Basic Authentication",
        description: String? = nil,
        host: String = "https://api.example.invalid"
    ) -> MockConnection {
        let now = Int64((Date().timeIntervalSince1970 * 1_000).rounded())
        let connection = StoredConnection(
            id: self.state.identifiers.uuid(),
            name: name,
            description: description,
            sandboxName: sandbox,
            connectionSpecID: ConnectionSpecCatalog.genericRESTID,
            connectionSpecVersion: ConnectionSpecCatalog.genericRESTVersions[
                ConnectionSpecCatalog.genericRESTVersions.count - 1
            ],
            authSpecName: specName,
            visibleParams: ["host": host, "username": "seeded"],
            maskedParams: ["password"],
            createdAt: now,
            updatedAt: now,
            etag: self.state.identifiers.etag(),
            createdClient: self.state.configuration.clientID
        )
        return MockConnection(self.state.store.insert(connection))
    }

    /// Changes the connection's etag (and `updatedAt`) as an edit by someone else would, so that a
    /// client's `If-Match` with the old etag answers 412; returns the new etag, or `nil` when
    /// `sandbox` holds no connection with this ID.
    @discardableResult
    public func touchConnection(id: String, sandbox: String = "prod") -> String? {
        guard var connection = self.state.store.connection(id: id, sandbox: sandbox) else { return nil }
        let old = connection.etag
        connection.etag = self.state.identifiers.etag()
        connection.updatedAt = Int64((Date().timeIntervalSince1970 * 1_000).rounded())
        guard case .replaced = self.state.store.replace(connection, ifEtag: old) else { return nil }
        return connection.etag
    }

    /// The faults in force now.
    public var faults: MockFaults {
        self.state.faults.faults
    }

    /// Changes the faults while the mock runs; the fault generators restart from the seed.
    ///
    /// - Throws: ``MockConfigurationError`` when the new faults are invalid; nothing changes then.
    public func updateFaults(_ update: (inout MockFaults) -> Void) throws(MockConfigurationError) {
        var faults = self.state.faults.faults
        update(&faults)
        try faults.validate()
        self.state.faults.update(faults)
    }

    /// Stops the server gracefully (in-flight answers finish) and waits until it has stopped.
    /// Calling it again does nothing.
    public func stop() async {
        await self.lifecycle.stop()
    }
}
