import LDBImage
import LDBTensor

/// The stages of a render, named as `RenderStats` names their times.
public enum RenderStage: String, CaseIterable, Sendable {
    /// Loading the model's weights (the first render after `Engine.open` only).
    case modelLoad = "model load"
    /// The base trajectory: N steps from the seed, or the inversion of the source image.
    case base
    /// The layers' results and their composite.
    case layers
    /// The last B steps.
    case finish
    /// The VAE decoder, and keep-background.
    case decode
    /// Cache lookups, writes and trimming.
    case store
}

/// One unit of a render's work done: a sampling step (with the latent it made, a preview an editor may show)
/// or a decode.
public struct RenderProgress: Sendable {
    public let stage: RenderStage
    /// What within the stage: the layer's name in `.layers`, "inversion" for a real image's base; nil otherwise.
    public let item: String?
    /// Units done within this item, counting from 1.
    public let completed: Int
    /// Units of this item.
    public let total: Int
    /// The latent after this step (the whole latent, or the window region mode runs on); nil for a decode.
    public let latent: Tensor?
    /// `latent` decoded by the render's preview decoder, when it was given one; previews are never cached.
    public let preview: RGBImage?

    public init(stage: RenderStage, item: String? = nil, completed: Int, total: Int, latent: Tensor? = nil,
                preview: RGBImage? = nil) {
        self.stage = stage
        self.item = item
        self.completed = completed
        self.total = total
        self.latent = latent
        self.preview = preview
    }

    /// What a progress line shows: "base", "inversion", "layer NAME", "finish" or "decode".
    public var label: String {
        switch (stage, item) {
        case (.layers, let name?): "layer \(name)"
        case (_, let item?): item
        default: stage.rawValue
        }
    }
}

/// Called after each unit of a render's work.
public typealias EngineProgress = @Sendable (RenderProgress) -> Void
