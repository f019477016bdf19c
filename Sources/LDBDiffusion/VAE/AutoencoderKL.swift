import LDBTensor

/// The Stable Diffusion VAE, as diffusers' `AutoencoderKL`: encodes images into the parameters of a diagonal
/// Gaussian over latents, and decodes latents back into images.
///
/// Scaling is the caller's: pipelines multiply encoded latents by `configuration.scalingFactor` and divide by it
/// before decoding.
public struct AutoencoderKL: Sendable {
    /// The configuration the weights were loaded for.
    public let configuration: VAEConfiguration

    let encoder: VAEEncoder
    let quantConv: Conv2DWeights?
    let postQuantConv: Conv2DWeights?
    let decoder: VAEDecoder

    /// Loads the weights named as in diffusers' state dict (`encoder.…`, `quant_conv.…`, `post_quant_conv.…`,
    /// `decoder.…`).
    /// - Throws: `ModelError` naming a weight that is missing or has another shape than `configuration` implies.
    public init(configuration: VAEConfiguration, weights: some WeightSource) throws {
        self.configuration = configuration
        let moments = 2 * configuration.latentChannels, latent = configuration.latentChannels
        encoder = try VAEEncoder(configuration: configuration, weights: weights.scoped("encoder"))
        quantConv = configuration.usesQuantConv
            ? try Conv2DWeights(weights: weights.scoped("quant_conv"), in: moments, out: moments, kernel: 1)
            : nil
        postQuantConv = configuration.usesPostQuantConv
            ? try Conv2DWeights(weights: weights.scoped("post_quant_conv"), in: latent, out: latent, kernel: 1)
            : nil
        decoder = try VAEDecoder(configuration: configuration, weights: weights.scoped("decoder"))
    }

    /// The latent distribution of `image`, as `vae.encode(image).latent_dist`.
    ///
    /// - Parameter image: `[N, in_channels, H, W]` with values in [-1, 1]; H and W must be multiples of
    ///   `configuration.downsamplingFactor` (8 for Stable Diffusion). Height and width may differ.
    /// - Returns: the mean and the log-variance, each `[N, latent_channels, H/f, W/f]`; the log-variance is
    ///   clamped to [-30, 20] as diffusers' `DiagonalGaussianDistribution` does.
    public func encode(_ image: Tensor) throws(ModelError) -> (mean: Tensor, logVariance: Tensor) {
        let factor = configuration.downsamplingFactor
        guard image.rank == 4, image.shape[0] > 0, image.shape[1] == configuration.inChannels else {
            throw .invalidInput(network: "VAE encoder",
                                reason: "image \(image.shape) is not [N, \(configuration.inChannels), H, W]")
        }
        guard image.shape[2] > 0, image.shape[3] > 0, image.shape[2] % factor == 0, image.shape[3] % factor == 0 else {
            throw .invalidInput(network: "VAE encoder",
                                reason: "image size \(image.shape[3])×\(image.shape[2]) is not a positive multiple of \(factor)")
        }
        WeightTensor.beginReusingWideningBuffer()
        defer { WeightTensor.endReusingWideningBuffer() }
        var moments = encoder(image)
        if let quantConv { moments = quantConv(moments) }
        let halves = moments.chunked(2, axis: 1)
        return (halves[0], halves[1].map { min(max($0, -30), 20) })
    }

    /// The image of a latent, as `vae.decode(latent).sample` (not clamped).
    ///
    /// - Parameter latent: `[N, latent_channels, h, w]`, already divided by the scaling factor.
    /// - Returns: `[N, out_channels, h·f, w·f]`, nominally in [-1, 1].
    public func decode(_ latent: Tensor) throws(ModelError) -> Tensor {
        guard latent.rank == 4, latent.shape[0] > 0, latent.shape[1] == configuration.latentChannels,
              latent.shape[2] > 0, latent.shape[3] > 0 else {
            throw .invalidInput(network: "VAE decoder",
                                reason: "latent \(latent.shape) is not [N, \(configuration.latentChannels), h, w]")
        }
        WeightTensor.beginReusingWideningBuffer()
        defer { WeightTensor.endReusingWideningBuffer() }
        return decoder(postQuantConv.map { $0(latent) } ?? latent)
    }
}
