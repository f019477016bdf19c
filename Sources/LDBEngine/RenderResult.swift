import LDBImage
import LDBTensor

/// What `Engine.render` produces.
public struct RenderResult: Sendable {
    /// The rendered picture at the project's size.
    public var image: RGBImage
    /// The final scaled latent, `[1, 4, height / f, width / f]`, before decoding (and before keep-background,
    /// which works on pixels).
    public var latent: Tensor
    /// What the render cost.
    public var stats: RenderStats

    public init(image: RGBImage, latent: Tensor, stats: RenderStats) {
        self.image = image
        self.latent = latent
        self.stats = stats
    }
}
