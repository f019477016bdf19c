import LDBDocument

/// The values an edit of a layer gives, each nil when not given; `ldb layer add/set` and the editor's server
/// read them from their own inputs and apply them the same way. The region (mask) is handled apart.
public struct LayerEdit: Equatable, Sendable {
    public var name: String?
    public var visible: Bool?
    public var prompt: String?
    public var negativePrompt: String?
    public var seed: UInt64?
    public var regenSteps: Int?
    public var strength: Double?
    public var guidance: Double?
    public var opacity: Double?
    public var feather: Double?
    public var invert: Bool?

    public init(name: String? = nil, visible: Bool? = nil, prompt: String? = nil, negativePrompt: String? = nil,
                seed: UInt64? = nil, regenSteps: Int? = nil, strength: Double? = nil, guidance: Double? = nil,
                opacity: Double? = nil, feather: Double? = nil, invert: Bool? = nil) {
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
    }

    /// Copies every given value into `layer`; the document validates the result when it is committed.
    public func apply(to layer: inout Layer) {
        if let name { layer.name = name }
        if let visible { layer.visible = visible }
        if let prompt { layer.prompt = prompt }
        if let negativePrompt { layer.negativePrompt = negativePrompt }
        if let seed { layer.seed = seed }
        if let regenSteps { layer.regenSteps = regenSteps }
        if let strength { layer.strength = strength }
        if let guidance { layer.guidance = guidance }
        if let opacity { layer.opacity = opacity }
        if let feather { layer.feather = feather }
        if let invert { layer.invert = invert }
    }
}
