/// One Layered Diffusion Brushes layer: a prompt, a mask, a seed and the numbers that regenerate its region.
public struct Layer: Codable, Equatable, Sendable, Identifiable {
    /// Stable id assigned by the document, never reused. A new layer is handed to `commit` with id 0.
    public var id: Int64
    /// Unique within the project, non-empty, and not a number (numbers refer to ids).
    public var name: String
    public var visible: Bool
    public var prompt: String
    public var negativePrompt: String
    /// Noise seed; the full 64-bit range is stored.
    public var seed: UInt64
    /// Regeneration steps n, valid B < n <= N.
    public var regenSteps: Int
    /// Strength alpha of the added noise, >= 0.
    public var strength: Double
    /// Classifier-free guidance, >= 0.
    public var guidance: Double
    /// Opacity in [0, 1].
    public var opacity: Double
    /// Feather radius in pixels, >= 0.
    public var feather: Double
    /// Edit outside the mask instead of inside it.
    public var invert: Bool
    /// SHA-256 of the blob holding the mask: width * height UInt8 bytes, row-major, 255 = edit.
    public var maskSHA256: String

    public init(
        id: Int64 = 0, name: String, visible: Bool = true, prompt: String, negativePrompt: String = "",
        seed: UInt64, regenSteps: Int, strength: Double = Defaults.strength, guidance: Double = Defaults.guidance,
        opacity: Double = Defaults.opacity, feather: Double = Defaults.feather, invert: Bool = false, maskSHA256: String
    ) {
        self.id = id
        self.name = name
        self.visible = visible
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.regenSteps = regenSteps
        self.strength = strength
        self.guidance = guidance
        self.opacity = opacity
        self.feather = feather
        self.invert = invert
        self.maskSHA256 = maskSHA256
    }
}

extension Layer {
    /// What a new layer gets for each value its author does not give; the one place these are written.
    public enum Defaults {
        public static let strength = 0.7
        public static let guidance = 7.5
        public static let opacity = 1.0
        public static let feather = 0.0

        /// Regeneration steps n: half the project's steps, and always more than its blend steps.
        public static func regenSteps(steps: Int, blendSteps: Int) -> Int {
            max(blendSteps + 1, steps / 2)
        }
    }
}
