/// The ranges every stored value must lie in, in the units a user gives them.
///
/// The document checks them on every write (`ProjectState.validate()`), so no path can store a value the
/// engine cannot render. Values the engine computes with in Float (guidance, strength, opacity, feather) are
/// checked after conversion to Float, so a Double that is finite but overflows a Float (1e39) is refused.
public enum ParameterBounds {
    /// The longest image side in pixels. Stable Diffusion models are trained at 512-1024 px; 4096 px leaves room
    /// for wide panoramas while the total is bounded by `maximumPixelCount`.
    public static let maximumSide = 4096
    /// The most pixels an image may have: 2048 x 2048. Stable Diffusion's VAE decoder holds several tensors of
    /// 128 and 256 channels at full resolution at once (2 and 4 GiB each at this size, over 10 GiB together),
    /// so larger images need more memory than ldb's users have and would fail mid-render instead of at the
    /// command that set the size.
    public static let maximumPixelCount = 2048 * 2048
    /// Denoising steps N: at least 2 (one step and at least one blend step), at most a schedule of 1000
    /// training timesteps. The model's own schedule may allow fewer (see LDBEditing's `ModelConstraints`).
    public static let steps = 2...1000
    /// Classifier-free guidance, of the base and of each layer. Useful values lie between 1 and 20; above 100
    /// the guided noise prediction is dominated by the guidance term and the picture saturates.
    public static let guidance = 0.0...100.0
    /// A layer's strength alpha: the multiple of fresh noise added to its starting latent (docs/algorithm.md,
    /// "One layer").
    /// Above a few the noise swamps the latent; 100 keeps every latent value far inside Float's range.
    public static let strength = 0.0...100.0
    /// A layer's opacity.
    public static let opacity = 0.0...1.0
    /// A layer's feather radius in pixels: the sigma of a Gaussian blur, at most LDBImage's
    /// `FloatPlane.maximumBlurSigma`.
    public static let feather = 0.0...1024.0

    /// Why `width` x `height` cannot be an image size, or nil when it can. Any positive size within the bounds
    /// is one: the engine pads the picture to the sides its networks need and crops the result back
    /// (docs/algorithm.md, "Image sizes and padding").
    public static func sizeProblem(width: Int, height: Int) -> String? {
        for (field, value) in [("width", width), ("height", height)] {
            guard value > 0 else { return "\(field) \(value) must be a positive number of pixels" }
            guard value <= maximumSide else { return "\(field) \(value) must be at most \(maximumSide) pixels" }
        }
        guard width * height <= maximumPixelCount else {
            return "\(width)x\(height) is \(width * height) pixels; at most \(maximumPixelCount) (2048x2048) are allowed"
        }
        return nil
    }

    /// Why `value` is not a valid `field` in `range` when used as a Float, or nil when it is.
    public static func floatProblem(_ field: String, _ value: Double, in range: ClosedRange<Double>) -> String? {
        guard range.contains(value), Float(value).isFinite, range.contains(Double(Float(value))) else {
            return "\(field) \(value) must be a number from \(number(range.lowerBound)) to \(number(range.upperBound))"
        }
        return nil
    }

    /// Why `name` cannot name a layer, or nil when it can (uniqueness is checked against the other layers).
    public static func layerNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "name must not be empty" }
        if Int64(name) != nil { return "name '\(name)' must not be a number (numbers refer to layer ids)" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "name \(name.debugDescription) must not contain control characters (tabs, newlines)"
        }
        return nil
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
