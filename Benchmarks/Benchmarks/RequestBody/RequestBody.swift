import Benchmark
import FlowBatchModel
import FlowServiceAPI
import Foundation

/// The body of `POST /connections` written three ways for the same 1,000 rows (the benchmark
/// input's mix: half basic, half OAuth 2): flowbatch's `ConnectionBody.encode` (its hand-written
/// `JSONWriter`), Foundation's `JSONEncoder` on a `Codable` struct, and `JSONSerialization` on a
/// dictionary (each checked to write the same JSON document). One iteration
/// encodes all 1,000.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .instructions, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(5),
        maxIterations: 2_000
    )

    let requests = SampleRequests.make(count: 1_000)
    let specs = ConnectionAuthSpecs.builtIn
    SampleRequests.checkSameJSON(requests, specs: specs)

    Benchmark("Create body: ConnectionBody.encode (JSONWriter)") { benchmark in
        for _ in benchmark.scaledIterations {
            for request in requests {
                blackHole(ConnectionBody.encode(request, authSpecs: specs))
            }
        }
    }

    Benchmark("Create body: JSONEncoder on a Codable struct") { benchmark in
        let encoder = CreateBody.encoder
        for _ in benchmark.scaledIterations {
            for request in requests {
                blackHole(try encoder.encode(CreateBody(request, specs: specs)))
            }
        }
    }

    Benchmark("Create body: JSONSerialization on a dictionary") { benchmark in
        for _ in benchmark.scaledIterations {
            for request in requests {
                blackHole(try CreateBody.serialized(request, specs: specs))
            }
        }
    }
}
