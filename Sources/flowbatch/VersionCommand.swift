import ArgumentParser
import FlowBatchModel

/// `flowbatch version`: the same as `flowbatch --version`, for people (and scripts) who type it so.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version (as --version does)."
    )

    func run() {
        Console.out(FlowBatchVersion.current)
    }
}
