import FlowBatch
import FlowBatchEngine
import FlowBatchReport
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C and SIGTERM: the first asks the run to stop gracefully (in-flight requests finish, the
/// journal is flushed, results are written); a second exits at once with status 130. The journal
/// stays consistent either way: every line is written whole with one `write`.
enum SignalHandling {
    static func install(stop: StopSignal) -> Task<Void, Never> {
        Task {
            let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
            var received = 0
            for await _ in signals {
                received += 1
                if received == 1 {
                    Console.err("\nstopping: finishing the requests in flight (press Ctrl-C again to quit at once)")
                    stop.stop(.interrupted)
                } else {
                    Console.err("\r\u{1B}[2Kquitting at once; run the same command again to resume")
                    TemporaryFiles.removeAll()
                    _exit(130)
                }
            }
        }
    }
}
