import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor

/// The obvious alternative to LDB a user has today: after any change, re-run a full N-step masked generation
/// (blended latent diffusion) for every visible layer, one after another, then decode.
///
/// For each visible layer, bottom to top, with `background` the trajectory below it (the base Z[0...N] for the
/// first layer, the previous layer's blended trajectory after that):
///
///     x = Z[0]
///     for i in 0..<N:  x = DDIMstep(eps(x, tau[i]; layer prompt, layer negative prompt, layer guidance))
///                      x = m * x + (1 - m) * background[i + 1]     (keep the background outside the mask)
///
/// and the image is decode(x) of the top layer. Whatever the change, this costs (visible layers x N) guided UNet
/// calls and one VAE decode; it uses the same pipeline, masks and base trajectory as the engine, so only the
/// amount of work differs.
struct MaskedGenerationBaseline {
    let pipeline: any DiffusionBackend
    let steps: Int
    let width: Int
    let height: Int

    /// The picture of `layers` (with their latent masks) generated over the base `trajectory` Z[0...N].
    func render(layers: [(layer: Layer, mask: LatentMask)], trajectory: [Tensor]) throws -> RGBImage {
        var background = trajectory
        for (layer, mask) in layers {
            background = try blendedTrajectory(layer: layer, mask: mask, background: background)
        }
        let pixels = try pipeline.decode(latent: background[steps])
        return try RGBImage(width: width, height: height, tensorValues: pixels.scalars)
    }

    /// The N + 1 latents of one layer's masked generation over `background`.
    func blendedTrajectory(layer: Layer, mask: LatentMask, background: [Tensor]) throws -> [Tensor] {
        let conditional = try pipeline.textEmbeddings(layer.prompt)
        let unconditional = layer.guidance > 1 ? try pipeline.textEmbeddings(layer.negativePrompt) : nil
        let scheduler = try pipeline.scheduler(steps: steps)
        var latent = background[0]
        var result = [latent]
        for index in 0..<steps {
            latent = try pipeline.sample(with: scheduler, indices: index..<(index + 1), from: latent,
                                         conditional: conditional, unconditional: unconditional,
                                         guidance: layer.guidance) { _ in }
            latent = Self.blend(latent, over: background[index + 1], mask: mask)
            result.append(latent)
        }
        return result
    }

    /// `m * top + (1 - m) * below` for `[1, C, h, w]` latents and an `(h, w)` mask broadcast over channels.
    static func blend(_ top: Tensor, over below: Tensor, mask: LatentMask) -> Tensor {
        let plane = mask.width * mask.height
        var scalars = below.scalars
        for index in scalars.indices {
            let weight = mask.values[index % plane]
            scalars[index] = weight * top.scalars[index] + (1 - weight) * scalars[index]
        }
        return Tensor(shape: below.shape, scalars: scalars)
    }
}
