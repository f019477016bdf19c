import LDBDiffusion

/// A decoder that makes previews instead of the model's VAE (docs/algorithm.md, "Preview decoder"), such as
/// `AutoencoderTiny` (TAESD), with the fingerprint of its files: a render decoded with it is cached under keys of
/// its own and never served as a full render.
public struct PreviewDecoder: Sendable {
    public let decoder: any LatentCoding
    /// `ModelReference.fingerprint(of:)` of the decoder's files.
    public let fingerprint: String

    public init(decoder: any LatentCoding, fingerprint: String) {
        self.decoder = decoder
        self.fingerprint = fingerprint
    }
}
