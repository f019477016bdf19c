import Foundation

/// How much UNet work has been done: `calls` forward passes that together ran `samples` batch items.
///
/// A classifier-free-guided step is one call of two samples; an unguided step is one call of one sample.
public struct UNetEvaluations: Equatable, Hashable, Sendable {
    /// UNet forward passes.
    public var calls: Int
    /// Batch items over all those passes.
    public var samples: Int

    public init(calls: Int = 0, samples: Int = 0) {
        self.calls = calls
        self.samples = samples
    }

    /// The work done between two readings of a counter.
    public static func - (later: UNetEvaluations, earlier: UNetEvaluations) -> UNetEvaluations {
        UNetEvaluations(calls: later.calls - earlier.calls, samples: later.samples - earlier.samples)
    }
}

/// A thread-safe running total of UNet evaluations, shared by every copy of the pipeline that holds it.
///
/// Read `total` before and after an operation and subtract to learn what that operation cost.
public final class UNetEvaluationCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = UNetEvaluations()

    public init() {}

    /// Every evaluation recorded so far.
    public var total: UNetEvaluations {
        lock.withLock { count }
    }

    /// Records one UNet forward pass over `batch` items.
    func record(batch: Int) {
        lock.withLock {
            count.calls += 1
            count.samples += batch
        }
    }
}
