import ArgumentParser

/// `flowbatch mock`: serves the mock Flow Service and IMS token service on loopback.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve the mock Flow Service and IMS token service on loopback."
    )

    func run() async throws {
        throw CleanExit.message("not built yet")
    }
}
