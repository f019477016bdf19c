/// The project-wide parameters of the base image and of the final denoising steps.
public struct ProjectSettings: Codable, Equatable, Sendable {
    /// Image size in pixels, within `ParameterBounds` (any size: the engine pads it, docs/algorithm.md).
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
    /// Whether layers and the finish run on the whole latent or on windows around the edited cells
    /// (docs/algorithm.md, "Region mode").
    public var region: RegionMode
    /// The margin c, in latent cells, that region mode adds around the edited cells.
    public var regionMargin: Int

    /// The margin of a new project: 8 cells, 64 pixels on Stable Diffusion.
    public static let defaultRegionMargin = 8
    /// The largest margin a project may use (a margin as large as the latent already makes windows whole).
    public static let maximumRegionMargin = 4096

    public init(
        width: Int, height: Int, steps: Int = 20, blendSteps: Int = 2,
        prompt: String, negativePrompt: String = "", guidance: Double,
        seed: UInt64? = nil, sourceImageSHA256: String? = nil, keepBackground: Bool = false,
        region: RegionMode = .full, regionMargin: Int = defaultRegionMargin
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
        self.region = region
        self.regionMargin = regionMargin
    }

    /// Decodes settings as every format wrote them: revisions made before region mode existed lack `region` and
    /// `regionMargin`, which then take their defaults (full mode, margin 8).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        width = try container.decode(Int.self, forKey: .width)
        height = try container.decode(Int.self, forKey: .height)
        steps = try container.decode(Int.self, forKey: .steps)
        blendSteps = try container.decode(Int.self, forKey: .blendSteps)
        prompt = try container.decode(String.self, forKey: .prompt)
        negativePrompt = try container.decode(String.self, forKey: .negativePrompt)
        guidance = try container.decode(Double.self, forKey: .guidance)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        sourceImageSHA256 = try container.decodeIfPresent(String.self, forKey: .sourceImageSHA256)
        keepBackground = try container.decode(Bool.self, forKey: .keepBackground)
        region = try container.decodeIfPresent(RegionMode.self, forKey: .region) ?? .full
        regionMargin = try container.decodeIfPresent(Int.self, forKey: .regionMargin) ?? Self.defaultRegionMargin
    }
}

/// Where the engine runs the UNet for layers and the finish (docs/algorithm.md, "Region mode").
public enum RegionMode: String, Codable, Sendable, CaseIterable {
    /// On the whole latent, exactly as the paper's algorithm.
    case full
    /// On windows around the cells each layer edits, so that an edit costs what its region covers.
    case crop
}
