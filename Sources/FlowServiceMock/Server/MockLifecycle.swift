import ServiceLifecycle

/// The service group running one mock server and the task that runs it.
final class MockLifecycle: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(group: ServiceGroup, task: Task<Void, any Error>) {
        self.group = group
        self.task = task
    }

    /// Shuts the server down gracefully and waits until it has; harmless when already stopped.
    func stop() async {
        await self.group.triggerGracefulShutdown()
        _ = await self.task.result
    }
}
