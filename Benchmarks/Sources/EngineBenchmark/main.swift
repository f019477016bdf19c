import Foundation

// Measures what an edit costs with the LDB engine against re-running a full masked generation per layer
// (issue 4). See EngineBenchmark for the scenarios and MaskedGenerationBaseline for the alternative.
//
// Usage: swift run -c release --package-path Benchmarks engine-benchmark --model DIR [--size WxH] [--runs R] ...

let options: BenchmarkOptions
do {
    options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("engine-benchmark: \(error)\n\n\(BenchmarkOptions.usage)\n".utf8))
    exit(2)
}
do {
    try EngineBenchmark(options: options).run()
} catch {
    FileHandle.standardError.write(Data("engine-benchmark: \(error)\n".utf8))
    exit(1)
}
