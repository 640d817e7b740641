import Logging
import NIOCore
import ServiceLifecycle

/// The mock Flow Service and IMS token service: an independent reading of Adobe's contract,
/// served over HTTP on loopback for tests, demos and benchmarks.
public enum FlowServiceMock {
    /// Starts the mock on `configuration.host` and `configuration.port` (port 0 = a free port);
    /// returns once it is listening.
    ///
    /// - Throws: ``MockConfigurationError`` for an invalid configuration, the server's error when
    ///   it cannot bind, ``MockStartError`` when it stopped before listening.
    public static func start(_ configuration: MockConfiguration, logger: Logger) async throws -> RunningMock {
        try configuration.validate()
        let state = MockState(configuration: configuration, logger: logger)
        let (ports, portContinuation) = AsyncThrowingStream.makeStream(of: Int.self)
        let application = try MockApplication.make(state: state, logger: logger) { channel in
            if let port = channel.localAddress?.port {
                portContinuation.yield(port)
            }
            portContinuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let task = Task {
            do {
                try await group.run()
                portContinuation.finish()
            } catch {
                portContinuation.finish(throwing: error)
                throw error
            }
        }
        let lifecycle = MockLifecycle(group: group, task: task)
        do {
            var iterator = ports.makeAsyncIterator()
            guard let port = try await iterator.next() else {
                throw MockStartError(address: "\(configuration.host):\(configuration.port)")
            }
            state.logger.info("Mock Flow Service listening", metadata: ["port": .stringConvertible(port)])
            state.logger.debug("Mock configuration", metadata: ["configuration": .string(configuration.description)])
            return RunningMock(port: port, host: configuration.host, state: state, lifecycle: lifecycle)
        } catch {
            await lifecycle.stop()
            throw error
        }
    }

    /// Runs `body` with a running mock and stops the mock afterwards, also when `body` throws.
    public static func withRunning<T: Sendable>(
        _ configuration: MockConfiguration,
        logger: Logger,
        _ body: (RunningMock) async throws -> T
    ) async throws -> T {
        let mock = try await Self.start(configuration, logger: logger)
        do {
            let result = try await body(mock)
            await mock.stop()
            return result
        } catch {
            await mock.stop()
            throw error
        }
    }
}
