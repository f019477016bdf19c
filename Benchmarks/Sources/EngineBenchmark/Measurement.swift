import Foundation
import LDBDiffusion

/// Repeated timings of one piece of work, with the UNet work each repetition did.
struct Measurement {
    var seconds: [Double] = []
    var work: [UNetEvaluations] = []

    /// Times `body`, counting the UNet evaluations `pipeline` makes meanwhile.
    @discardableResult
    mutating func record<T>(_ pipeline: any DiffusionBackend, _ body: () throws -> T) rethrows -> T {
        let before = pipeline.evaluations
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        work.append(pipeline.evaluations - before)
        return value
    }

    var medianSeconds: Double { Self.median(seconds) }

    /// "calls (samples)", or "min–max calls (min–max samples)" when the repetitions differ.
    var workDescription: String {
        func span(_ values: [Int]) -> String {
            let low = values.min() ?? 0, high = values.max() ?? 0
            return low == high ? "\(low)" : "\(low)–\(high)"
        }
        return "\(span(work.map(\.calls))) (\(span(work.map(\.samples))))"
    }

    /// The median calls, for ratios.
    var medianCalls: Double { Self.median(work.map { Double($0.calls) }) }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
