import Foundation
import NIOCore
import NIOPosix

/// The event loops every HTTP client of flowbatch runs on: one per core this process may use.
///
/// NIO's shared group counts the cores of the machine (and cgroup limits) but not the process's CPU
/// affinity, so under `taskset -c 0` (or any affinity mask narrower than the machine) it starts one
/// loop per machine core on fewer cores. Requests are then spread over loops that take turns on one
/// core, and every answer wakes another thread: with one core, 20,000 creates made 47,794 context
/// switches on two loops and 21,487 on one (client pinned to a core, as scripts/bench runs it).
public enum EventLoops {
    /// The loops' group, started on first use and kept for the life of the process, as NIO's own is.
    public static let group: any EventLoopGroup =
        count == NIOSingletons.groupLoopCountSuggestion
        ? MultiThreadedEventLoopGroup.singleton
        : MultiThreadedEventLoopGroup(numberOfThreads: count)

    /// How many loops: as many as NIO's shared group has (the machine's cores, or
    /// `NIO_SINGLETON_GROUP_LOOP_COUNT`), but no more than the process's affinity allows.
    public static let count: Int = min(
        NIOSingletons.groupLoopCountSuggestion,
        affinityCoreCount ?? NIOSingletons.groupLoopCountSuggestion
    )

    /// The cores the process may run on, from the `Cpus_allowed` mask of `/proc/self/status`
    /// (what `sched_getaffinity` answers, which Glibc's module does not export), or `nil` where that
    /// is unknown.
    static var affinityCoreCount: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return allowedCores(inStatus: status)
    }

    /// The number of bits set in the `Cpus_allowed:` line of a `/proc/PID/status` text (hex words
    /// separated by commas), or `nil` when there is no such line or it holds no core.
    static func allowedCores(inStatus status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else {
            return nil
        }
        var cores = 0
        for digit in line.dropFirst("Cpus_allowed:".count) where digit != "," && digit != " " && digit != "\t" {
            guard let value = digit.hexDigitValue else { return nil }
            cores += value.nonzeroBitCount
        }
        return cores > 0 ? cores : nil
    }
}
