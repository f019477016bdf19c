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

/// Everything a pipeline's networks computed, in units that scale with the cost: latent cells through the UNet
/// and pixels out of the VAE decoder.
public struct PipelineWork: Equatable, Hashable, Sendable {
    /// UNet forward passes.
    public var unetCalls = 0
    /// Batch items over those passes.
    public var unetSamples = 0
    /// Sum over the passes of batch × height × width of the latent passed.
    public var unetCells = 0
    /// VAE decoder runs.
    public var vaeDecodes = 0
    /// Sum over the decoder runs of batch × height × width of the picture made.
    public var vaeDecodedPixels = 0
    /// VAE encoder runs.
    public var vaeEncodes = 0

    public init() {}

    /// The work done between two readings of a counter.
    public static func - (later: PipelineWork, earlier: PipelineWork) -> PipelineWork {
        var difference = PipelineWork()
        difference.unetCalls = later.unetCalls - earlier.unetCalls
        difference.unetSamples = later.unetSamples - earlier.unetSamples
        difference.unetCells = later.unetCells - earlier.unetCells
        difference.vaeDecodes = later.vaeDecodes - earlier.vaeDecodes
        difference.vaeDecodedPixels = later.vaeDecodedPixels - earlier.vaeDecodedPixels
        difference.vaeEncodes = later.vaeEncodes - earlier.vaeEncodes
        return difference
    }
}

/// A thread-safe running total of the work of a pipeline's networks (UNet evaluations first among them), shared
/// by every copy of the pipeline that holds it.
///
/// Read `total` or `work` before and after an operation and subtract to learn what that operation cost.
public final class UNetEvaluationCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counted = PipelineWork()
    private let parent: UNetEvaluationCounter?

    /// - Parameter parent: a counter that every evaluation recorded here is recorded in too (the pipeline's own
    ///   counter, when one request counts its work apart).
    public init(parent: UNetEvaluationCounter? = nil) {
        self.parent = parent
    }

    /// Every UNet evaluation recorded so far.
    public var total: UNetEvaluations {
        lock.withLock { UNetEvaluations(calls: counted.unetCalls, samples: counted.unetSamples) }
    }

    /// Every network evaluation recorded so far.
    public var work: PipelineWork {
        lock.withLock { counted }
    }

    /// Records one UNet forward pass over a `[batch, C, height, width]` latent.
    public func recordUNet(batch: Int, height: Int, width: Int) {
        lock.withLock {
            counted.unetCalls += 1
            counted.unetSamples += batch
            counted.unetCells += batch * height * width
        }
        parent?.recordUNet(batch: batch, height: height, width: width)
    }

    /// Records one VAE decoder run that made `pixels` pixels (batch × height × width).
    public func recordDecode(pixels: Int) {
        lock.withLock {
            counted.vaeDecodes += 1
            counted.vaeDecodedPixels += pixels
        }
        parent?.recordDecode(pixels: pixels)
    }

    /// Records one VAE encoder run.
    public func recordEncode() {
        lock.withLock { counted.vaeEncodes += 1 }
        parent?.recordEncode()
    }
}
