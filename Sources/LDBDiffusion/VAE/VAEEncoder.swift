import LDBTensor

/// diffusers' VAE `Encoder`: `conv_in`, one `DownEncoderBlock2D` per `block_out_channels` entry (each but the
/// last ending in a stride-2 convolution), the mid block, then group norm, SiLU and `conv_out` to the mean and
/// log-variance channels.
struct VAEEncoder: Sendable {
    /// One `DownEncoderBlock2D`.
    struct DownBlock: Sendable {
        let resnets: [VAEResnetBlock]
        /// `Downsample2D(padding=0)`: a 3×3 stride-2 convolution after padding the right and bottom by one.
        let downsampler: Conv2DWeights?

        func callAsFunction(_ input: Tensor) -> Tensor {
            var hidden = input
            for resnet in resnets { hidden = resnet(hidden) }
            return downsampler.map { $0(hidden) } ?? hidden
        }
    }

    let convIn: Conv2DWeights
    let downBlocks: [DownBlock]
    let midBlock: VAEMidBlock
    let normOut: GroupNormWeights
    let convOut: Conv2DWeights

    init(configuration: VAEConfiguration, weights: some WeightSource) throws {
        let channels = configuration.blockOutChannels, groups = configuration.normGroupCount
        convIn = try Conv2DWeights(weights: weights.scoped("conv_in"), in: configuration.inChannels, out: channels[0],
                                   kernel: 3, padding: 1)
        var blocks: [DownBlock] = []
        var inChannels = channels[0]
        for (index, outChannels) in channels.enumerated() {
            let block = weights.scoped("down_blocks.\(index)")
            let resnets = try (0..<configuration.layersPerBlock).map { layer in
                try VAEResnetBlock(weights: block.scoped("resnets.\(layer)"), in: layer == 0 ? inChannels : outChannels,
                                   out: outChannels, groups: groups)
            }
            let downsampler = index == channels.count - 1
                ? nil
                : try Conv2DWeights(weights: block.scoped("downsamplers.0.conv"), in: outChannels, out: outChannels,
                                    kernel: 3, stride: 2, padding: Padding2D(top: 0, left: 0, bottom: 1, right: 1))
            blocks.append(DownBlock(resnets: resnets, downsampler: downsampler))
            inChannels = outChannels
        }
        downBlocks = blocks
        let deepest = channels[channels.count - 1]
        midBlock = try VAEMidBlock(weights: weights.scoped("mid_block"), channels: deepest, groups: groups,
                                   withAttention: configuration.midBlockAttention)
        normOut = try GroupNormWeights(weights: weights.scoped("conv_norm_out"), channels: deepest, groups: groups, epsilon: 1e-6)
        convOut = try Conv2DWeights(weights: weights.scoped("conv_out"), in: deepest, out: 2 * configuration.latentChannels,
                                    kernel: 3, padding: 1)
    }

    /// `[N, in, H, W]` → `[N, 2·latent, H/f, W/f]`.
    func callAsFunction(_ image: Tensor) -> Tensor {
        var hidden = convIn(image)
        for block in downBlocks { hidden = block(hidden) }
        hidden = midBlock(hidden)
        return convOut(normOut(hidden, thenSiLU: true))
    }
}
