/// The project-wide parameters of the base image and of the final denoising steps.
public struct ProjectSettings: Codable, Equatable, Sendable {
    /// Image size in pixels; both positive multiples of 8.
    public var width: Int
    public var height: Int
    /// Number of DDIM steps N of the base trajectory.
    public var steps: Int
    /// Blend steps B: the composite is finished with the last B steps (valid 1 <= B < N).
    public var blendSteps: Int
    /// Prompt of the base image (for a real-image project, the inversion prompt).
    public var prompt: String
    public var negativePrompt: String
    /// Classifier-free guidance of the base and of the final steps.
    public var guidance: Double
    /// Seed of a generated base; `nil` for a real-image project.
    public var seed: UInt64?
    /// SHA-256 of the blob holding the original PNG bytes of a real-image project; `nil` for a generated one.
    public var sourceImageSHA256: String?
    /// Keep the base pixels outside the union of the visible layers' masks.
    public var keepBackground: Bool

    public init(
        width: Int, height: Int, steps: Int = 20, blendSteps: Int = 2,
        prompt: String, negativePrompt: String = "", guidance: Double,
        seed: UInt64? = nil, sourceImageSHA256: String? = nil, keepBackground: Bool = false
    ) {
        self.width = width
        self.height = height
        self.steps = steps
        self.blendSteps = blendSteps
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.guidance = guidance
        self.seed = seed
        self.sourceImageSHA256 = sourceImageSHA256
        self.keepBackground = keepBackground
    }
}
