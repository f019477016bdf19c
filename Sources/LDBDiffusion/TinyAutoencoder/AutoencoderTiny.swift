import LDBTensor

/// diffusers' `AutoencoderTiny`: TAESD, a small distilled stand-in for the Stable Diffusion VAE that decodes a
/// 512×512 image in a fraction of the VAE's time, for previews.
///
/// Its latents are the diffusion model's latents divided by `configuration.scalingFactor`, which is 1 for TAESD:
/// TAESD decodes the UNet's latent as it is (not divided by the SD VAE's 0.18215) and encodes images straight into
/// that space. Unlike `AutoencoderKL`, encoding gives one latent, not a distribution.
public struct AutoencoderTiny: Sendable {
    /// The configuration the weights were loaded for.
    public let configuration: AutoencoderTinyConfiguration

    let encoder: TinyEncoder
    let decoder: TinyDecoder

    /// Loads the weights named as in diffusers' state dict (`encoder.layers.<i>.…`, `decoder.layers.<i>.…`).
    /// - Throws: `ModelError` naming a weight that is missing or has another shape than `configuration` implies.
    public init(configuration: AutoencoderTinyConfiguration, weights: some WeightSource) throws {
        self.configuration = configuration
        encoder = try TinyEncoder(configuration: configuration, weights: weights.scoped("encoder"))
        decoder = try TinyDecoder(configuration: configuration, weights: weights.scoped("decoder"))
    }

    /// The image of a latent, as `AutoencoderTiny.decode(latent).sample` (not clamped).
    ///
    /// - Parameter latent: `[N, latent_channels, h, w]`: the diffusion model's latent divided by
    ///   `configuration.scalingFactor` (for TAESD, the latent as it is).
    /// - Returns: `[N, out_channels, h·8, w·8]` (`configuration.upsamplingFactor`), nominally in [-1, 1].
    public func decode(_ latent: Tensor) throws(ModelError) -> Tensor {
        guard latent.rank == 4, latent.shape[0] > 0, latent.shape[1] == configuration.latentChannels,
              latent.shape[2] > 0, latent.shape[3] > 0 else {
            throw .invalidInput(network: "tiny autoencoder's decoder",
                                reason: "latent \(latent.shape) is not [N, \(configuration.latentChannels), h, w]")
        }
        WeightTensor.beginReusingWideningBuffer()
        defer { WeightTensor.endReusingWideningBuffer() }
        return decoder(latent)
    }

    /// The latent of an image, as `AutoencoderTiny.encode(image).latents`.
    ///
    /// - Parameter image: `[N, in_channels, H, W]` with values in [-1, 1], of any positive size.
    /// - Returns: `[N, latent_channels, ⌈H/8⌉, ⌈W/8⌉]` (`configuration.downsamplingFactor`); multiplied by
    ///   `configuration.scalingFactor` (1 for TAESD), the diffusion model's latent.
    public func encode(_ image: Tensor) throws(ModelError) -> Tensor {
        guard image.rank == 4, image.shape[0] > 0, image.shape[1] == configuration.inChannels,
              image.shape[2] > 0, image.shape[3] > 0 else {
            throw .invalidInput(network: "tiny autoencoder's encoder",
                                reason: "image \(image.shape) is not [N, \(configuration.inChannels), H, W]")
        }
        WeightTensor.beginReusingWideningBuffer()
        defer { WeightTensor.endReusingWideningBuffer() }
        return encoder(image)
    }
}
