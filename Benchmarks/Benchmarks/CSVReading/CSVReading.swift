import Benchmark
import FlowBatchIngest
import Foundation

/// The CSV reader over scripts/bench's two 100,000-row inputs (scripts/lib/gen_input.py: `bench`, a
/// quoted value in every other row; `described`, quoted descriptions holding commas in every row),
/// with lines that hold a whole record, quoted values and all, split by flowbatch's own code (its
/// default) and with every line through libcsv: the hand-written fast path stays only while it wins.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .instructions, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 20
    )

    for shape in GeneratedInput.Shape.allCases {
        let input = GeneratedInput(rows: 100_000, shape: shape)

        Benchmark("CSVReader 100k \(shape) rows, whole lines split directly (default)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try readAll(input, splitsLines: true))
            }
        }

        Benchmark("CSVReader 100k \(shape) rows, libcsv alone") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try readAll(input, splitsLines: false))
            }
        }
    }
}

/// Reads every record as flowbatch's input scan does (a view per record, no copies) and returns
/// the number of values read, checked against the file's shape.
func readAll(_ input: GeneratedInput, splitsLines: Bool) throws -> Int {
    var options = CSVReader.Options()
    options.splitsLines = splitsLines
    var cursor = try CSVReader(path: input.path, options: options).makeCursor()
    var records = 0
    var values = 0
    while let count = try cursor.nextView({ $0.count }) {
        records += 1
        values += count
    }
    precondition(records == input.rows + 1 && values == records * input.shape.columns, "read \(records) records")
    return values
}
