import Benchmark
import FlowServiceMock
import Foundation

/// The mock's own JSON parser (`JSONValue.parse`, what `CreateConnectionRequest` reads a create
/// body with) against Foundation on the same 1,000 create bodies (half basic, half OAuth 2, as
/// flowbatch sends them): `JSONSerialization` (a tree of Foundation objects, as `JSONValue` is a
/// tree) and `JSONDecoder` into a `Decodable` struct of the fields the mock checks. Each takes
/// the bytes in the form it reads best (`[UInt8]`, `Data`). One iteration parses all 1,000.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .instructions, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(5),
        maxIterations: 2_000
    )

    let bodies = SampleBodies.make(count: 1_000)
    let data = bodies.map { Data($0) }
    SampleBodies.checkSameFields(bodies)

    Benchmark("Create body parse: mock JSONValue.parse (hand-written)") { benchmark in
        for _ in benchmark.scaledIterations {
            for body in bodies {
                blackHole(try JSONValue.parse(body))
            }
        }
    }

    Benchmark("Create body parse: JSONSerialization") { benchmark in
        for _ in benchmark.scaledIterations {
            for body in data {
                blackHole(try JSONSerialization.jsonObject(with: body))
            }
        }
    }

    Benchmark("Create body parse: JSONDecoder into a Decodable struct") { benchmark in
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations {
            for body in data {
                blackHole(try decoder.decode(DecodedCreateBody.self, from: body))
            }
        }
    }
}
