import ArgumentParser
import FlowBatch
import FlowBatchModel

/// The `flowbatch` command: bulk-creates generic REST API base connections through the Flow Service API.
@main
struct FlowBatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowbatch",
        abstract: "Bulk-create Adobe Experience Platform generic REST API base connections from a CSV file.",
        version: FlowBatchVersion.current,
        subcommands: [
            RunCommand.self, ValidateCommand.self, UndoCommand.self, TestCommand.self, ExportCommand.self,
            CheckCommand.self,
            MockCommand.self, DemoCommand.self, VersionCommand.self,
        ]
    )
}
