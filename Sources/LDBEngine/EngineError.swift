import Foundation

/// Why the engine could not render a project.
///
/// Errors of the document, the model or the image code (`DocumentError`, `ModelError`, `PipelineError`,
/// `ImageError`, …) come through unchanged.
public enum EngineError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `isCancelled` returned true between two UNet steps; what finished before is cached.
    case cancelled
    /// The project's model location names no folder or file here, nor a model in the Hugging Face cache.
    case modelNotFound(location: String)
    /// The project records a prediction type this build does not know.
    case unknownPredictionType(String)
    /// A layer's mask blob does not hold `width * height` bytes.
    case maskSizeMismatch(layer: String, expected: Int, actual: Int)
    /// The real-image project's source PNG does not have the project's size.
    case sourceImageSizeMismatch(width: Int, height: Int, expectedWidth: Int, expectedHeight: Int)
    /// A latent (from a cache entry or the model) whose shape does not fit the project's latent size.
    case latentShapeMismatch(name: String, shape: [Int], expectedHeight: Int, expectedWidth: Int)
    /// A computed latent holds NaN or infinity; nothing of it was cached.
    case notFinite(String)
    /// A region margin outside what a project may use.
    case invalidRegionMargin(Int, maximum: Int)
    /// A render of this size needs more memory than a limit on the process leaves (`MemoryHeadroom`); nothing
    /// was computed.
    case notEnoughMemory(width: Int, height: Int, estimate: String, limit: String)

    public var description: String {
        switch self {
        case .cancelled:
            "the render was cancelled; finished work stays cached"
        case .modelNotFound(let location):
            "the project's model '\(location)' is not on this machine (no such path, nor a model in the Hugging Face cache)"
        case .unknownPredictionType(let name):
            "the project records prediction type '\(name)', which this build does not know"
        case .maskSizeMismatch(let layer, let expected, let actual):
            "layer '\(layer)': the mask holds \(actual) bytes, expected \(expected) (one byte per image pixel)"
        case .sourceImageSizeMismatch(let width, let height, let expectedWidth, let expectedHeight):
            "the source image is \(width)x\(height), but the project is \(expectedWidth)x\(expectedHeight)"
        case .latentShapeMismatch(let name, let shape, let height, let width):
            "\(name) has shape \(shape), expected [1, channels, \(height), \(width)]"
        case .notFinite(let what):
            "\(what) holds NaN or infinity (are the guidance and strength sensible?); nothing of it was cached"
        case .invalidRegionMargin(let margin, let maximum):
            "region margin \(margin) must be between 0 and \(maximum) latent cells"
        case .notEnoughMemory(let width, let height, let estimate, let limit):
            "rendering \(width)x\(height) needs about \(estimate) of memory beyond the loaded model, more than "
                + "the \(limit); nothing was rendered. Choose a smaller size, or raise the limit"
        }
    }
}
