import LDBDocument
import LDBEngine

/// How the editor's live previews are rendered: in the project's region mode unless the server says otherwise,
/// decoded with a preview decoder when one is given. The final render is always full mode with the model's VAE
/// (docs/algorithm.md, "Region mode" and "Preview decoder"), so a preview is never served as the final render.
public struct PreviewSettings: Sendable {
    /// Full or crop mode for previews; nil takes the project's setting.
    public var regionMode: RegionMode?
    /// Crop mode's margin in latent cells for previews; nil takes the project's setting.
    public var regionMargin: Int?
    /// Decodes previews instead of the model's VAE (a tiny autoencoder); nil uses the VAE.
    public var decoder: PreviewDecoder?

    public init(regionMode: RegionMode? = nil, regionMargin: Int? = nil, decoder: PreviewDecoder? = nil) {
        self.regionMode = regionMode
        self.regionMargin = regionMargin
        self.decoder = decoder
    }

    /// The region a preview of a project with `settings` renders in.
    func region(for settings: ProjectSettings) -> RegionSetting {
        RegionSetting(mode: regionMode ?? settings.region, margin: regionMargin ?? settings.regionMargin)
    }
}

/// Which picture a render answers with.
enum RenderQuality: String, Sendable {
    /// The live preview: `PreviewSettings`.
    case preview
    /// The final render: full mode, the model's VAE.
    case final
}
