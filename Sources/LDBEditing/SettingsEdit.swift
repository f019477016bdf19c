import LDBDocument

/// The base-setting values an edit gives, each nil when not given; `ldb set` and the editor's server read them
/// from their own inputs and apply and check them the same way (`apply(to:model:)`). The document validates the
/// result against its own bounds when it is committed.
public struct SettingsEdit: Equatable, Sendable {
    public var prompt: String?
    public var negativePrompt: String?
    public var steps: Int?
    public var guidance: Double?
    public var blendSteps: Int?
    public var keepBackground: Bool?
    public var region: RegionMode?
    public var regionMargin: Int?

    public init(prompt: String? = nil, negativePrompt: String? = nil, steps: Int? = nil, guidance: Double? = nil,
                blendSteps: Int? = nil, keepBackground: Bool? = nil, region: RegionMode? = nil,
                regionMargin: Int? = nil) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.guidance = guidance
        self.blendSteps = blendSteps
        self.keepBackground = keepBackground
        self.region = region
        self.regionMargin = regionMargin
    }

    /// Copies every given value into `settings` and, when the steps change, checks the result against the
    /// schedule of the project's `model` (not checked when the model is not here: the render then says so).
    /// - Throws: `EditingError.stepsOutsideSchedule`.
    public func apply(to settings: inout ProjectSettings, model: ModelReference) throws {
        apply(to: &settings)
        if steps != nil, let constraints = ModelConstraints.ofProject(model) {
            try constraints.check(settings)
        }
    }

    /// Copies every given value into `settings`.
    public func apply(to settings: inout ProjectSettings) {
        if let prompt { settings.prompt = prompt }
        if let negativePrompt { settings.negativePrompt = negativePrompt }
        if let steps { settings.steps = steps }
        if let guidance { settings.guidance = guidance }
        if let blendSteps { settings.blendSteps = blendSteps }
        if let keepBackground { settings.keepBackground = keepBackground }
        if let region { settings.region = region }
        if let regionMargin { settings.regionMargin = regionMargin }
    }
}
