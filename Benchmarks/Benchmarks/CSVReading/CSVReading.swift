import Benchmark
import FlowBatchIngest
import Foundation

/// The CSV reader over the benchmark's 100,000-row input (scripts/lib/gen_input.py), with lines
/// that hold no quote split by flowbatch's own code (its default) and with every line through
/// libcsv: the hand-written fast path stays only while it wins.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .instructions, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 20
    )

    let input = GeneratedInput(rows: 100_000)

    Benchmark("CSVReader 100k rows, plain lines split directly (default)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try readAll(input, splitsPlainLines: true))
        }
    }

    Benchmark("CSVReader 100k rows, libcsv alone") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try readAll(input, splitsPlainLines: false))
        }
    }
}

/// Reads every record as flowbatch's input scan does (a view per record, no copies) and returns
/// the number of values read, checked against the file's shape.
func readAll(_ input: GeneratedInput, splitsPlainLines: Bool) throws -> Int {
    var options = CSVReader.Options()
    options.splitsPlainLines = splitsPlainLines
    var cursor = try CSVReader(path: input.path, options: options).makeCursor()
    var records = 0
    var values = 0
    while let count = try cursor.nextView({ $0.count }) {
        records += 1
        values += count
    }
    precondition(records == input.rows + 1 && values == records * GeneratedInput.columns, "read \(records) records")
    return values
}
