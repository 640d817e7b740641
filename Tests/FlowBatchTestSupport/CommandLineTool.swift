import Foundation

/// What a finished run of the `flowbatch` binary left: exit status and output.
public struct ToolResult: Sendable {
    /// The exit status, or 128 + signal when a signal ended it.
    public var status: Int32
    /// Everything written to stdout.
    public var stdout: String
    /// Everything written to stderr.
    public var stderr: String

    /// stdout and stderr together, for checks that something appears in neither.
    public var allOutput: String { stdout + stderr }
}

/// Runs the built `flowbatch` binary, as a user would, and collects what it prints.
///
/// The binary is `$FLOWBATCH_BINARY`, or `flowbatch` beside the test bundle in the build folder.
public enum CommandLineTool {
    /// The path of the built binary.
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["FLOWBATCH_BINARY"], !path.isEmpty { return path }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On some platforms the test bundle sits inside a `.xctest` folder.
        while directory.path.hasSuffix(".xctest") || directory.lastPathComponent == "Contents"
            || directory.lastPathComponent == "MacOS"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("flowbatch").path
    }

    /// Starts the binary (or `executable`, e.g. `/usr/bin/env` for a script); the returned handle
    /// waits for it or signals it.
    public static func start(
        _ arguments: [String],
        environment: [String: String] = [:],
        inheritEnvironment: Bool = false,
        directory: String? = nil,
        stdin: String? = nil,
        executable: String = CommandLineTool.binaryPath
    ) throws -> RunningTool {
        try RunningTool(
            executable: executable,
            arguments: arguments,
            environment: environment,
            inheritEnvironment: inheritEnvironment,
            directory: directory,
            stdin: stdin
        )
    }

    /// Runs the binary to the end.
    public static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: String? = nil,
        stdin: String? = nil,
        timeout: Double = 120
    ) async throws -> ToolResult {
        let tool = try start(arguments, environment: environment, directory: directory, stdin: stdin)
        return try await tool.wait(timeout: timeout)
    }
}

/// A `flowbatch` process that was started and may still be running.
public final class RunningTool: @unchecked Sendable {
    private let process = Process()
    private let outputFolder: TemporaryDirectory
    private let exited = DispatchSemaphore(value: 0)

    init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        inheritEnvironment: Bool,
        directory: String?,
        stdin: String?
    ) throws {
        outputFolder = try TemporaryDirectory()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var base: [String: String] = [:]
        if inheritEnvironment {
            base = ProcessInfo.processInfo.environment
        } else {
            for key in ["PATH", "HOME", "TMPDIR", "LANG"] {
                if let value = ProcessInfo.processInfo.environment[key] { base[key] = value }
            }
        }
        process.environment = base.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        _ = FileManager.default.createFile(atPath: outputFolder.file("stdout"), contents: nil)
        _ = FileManager.default.createFile(atPath: outputFolder.file("stderr"), contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: outputFolder.file("stdout"))
        process.standardError = FileHandle(forWritingAtPath: outputFolder.file("stderr"))
        if let stdin {
            let input = try outputFolder.write("stdin", stdin)
            process.standardInput = FileHandle(forReadingAtPath: input)
        } else {
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        }
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
    }

    /// A test that failed before waiting leaves no process behind (a mock would serve on forever).
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The process ID.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the process has not ended yet.
    public var isRunning: Bool { process.isRunning }

    /// What the process has written to stdout so far.
    public func stdoutSoFar() -> String {
        (try? outputFolder.read("stdout")) ?? ""
    }

    /// What the process has written to stderr so far.
    public func stderrSoFar() -> String {
        (try? outputFolder.read("stderr")) ?? ""
    }

    /// stdout up to and including its first line break: what a server prints once it listens. Looks
    /// again every 10 ms until the line is there, the process ends, or `timeout` seconds pass.
    public func firstLine(timeout: Double = 30) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            // Whether it still runs is asked before reading: a line written just before it ended is read.
            let running = isRunning
            let printed = stdoutSoFar()
            if let end = printed.firstIndex(of: "\n") { return String(printed[...end]) }
            if !running || ContinuousClock.now > deadline { return printed }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Sends `signal` (e.g. `SIGINT`, `SIGKILL`) to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; kills it and throws after `timeout` seconds.
    public func wait(timeout: Double = 120) async throws -> ToolResult {
        let exited = self.exited
        let finished = try await offPool { exited.wait(timeout: .now() + timeout) == .success }
        if !finished {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            throw ToolTimeout(arguments: process.arguments ?? [], seconds: timeout, stderr: stderrSoFar())
        }
        let status: Int32 =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ToolResult(status: status, stdout: stdoutSoFar(), stderr: stderrSoFar())
    }
}

/// The binary did not finish in time.
public struct ToolTimeout: Error, CustomStringConvertible {
    public var arguments: [String]
    public var seconds: Double
    public var stderr: String

    public var description: String {
        "flowbatch \(arguments.joined(separator: " ")) did not finish within \(seconds) s; stderr:\n\(stderr)"
    }
}
