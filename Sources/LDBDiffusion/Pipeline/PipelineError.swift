import Foundation

/// Why a Stable Diffusion pipeline could not be assembled or could not run a request.
///
/// Errors of the components (a missing weight, a malformed configuration, a tensor that does not fit a network)
/// come through unchanged as `ModelError`, `UNetError`, `SchedulerError` or `TokenizerError`.
public enum PipelineError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An image size that is not a positive multiple of the VAE's latent factor.
    case invalidImageSize(width: Int, height: Int, latentFactor: Int)
    /// A number of denoising steps outside what the scheduler can run.
    case invalidStepCount(Int, allowed: ClosedRange<Int>)
    /// A range of step indices that is not within the `total` steps of a schedule.
    case invalidStepRange(Range<Int>, total: Int)
    /// A guidance scale that is not a finite number.
    case invalidGuidance(Double)
    /// Classifier-free guidance (guidance > 1) was asked for without unconditional embeddings.
    case missingUnconditionalEmbeddings(guidance: Double)
    /// A tensor that does not have the shape the pipeline needs; `name` says which one.
    case invalidShape(name: String, shape: [Int], expected: String)
    /// The model folder has no component stored in the requested weight variant.
    case variantNotFound(String, folder: URL)
    /// Two components of the model folder do not fit together.
    case incompatibleComponents(String)

    public var description: String {
        switch self {
        case .invalidImageSize(let width, let height, let factor):
            "image size \(width)×\(height) is not supported: width and height must be positive multiples of the "
                + "latent factor \(factor)"
        case .invalidStepCount(let steps, let allowed):
            "\(steps) denoising steps is out of range: the scheduler runs \(allowed.lowerBound) to \(allowed.upperBound) steps"
        case .invalidStepRange(let range, let total):
            "steps \(range.lowerBound)..<\(range.upperBound) are not within the \(total) steps of the schedule (0..<\(total))"
        case .invalidGuidance(let guidance):
            "guidance scale \(guidance) is not a finite number"
        case .missingUnconditionalEmbeddings(let guidance):
            "guidance \(guidance) > 1 needs unconditional (negative prompt) embeddings, and none were given"
        case .invalidShape(let name, let shape, let expected):
            "\(name) has shape \(shape), expected \(expected)"
        case .variantNotFound(let variant, let folder):
            "\(folder.path): no component has weights in the \"\(variant)\" variant"
        case .incompatibleComponents(let reason):
            "the model's components do not fit together: \(reason)"
        }
    }
}
