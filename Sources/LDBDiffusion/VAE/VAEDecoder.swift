import LDBTensor

/// diffusers' VAE `Decoder`: `conv_in`, the mid block, one `UpDecoderBlock2D` per `block_out_channels` entry
/// in reverse order (`layers_per_block + 1` ResNet blocks each; all but the last end in a nearest 2×
/// upsampling and a 3×3 convolution), then group norm, SiLU and `conv_out`.
struct VAEDecoder: Sendable {
    /// One `UpDecoderBlock2D`.
    struct UpBlock: Sendable {
        let resnets: [VAEResnetBlock]
        /// The convolution of `Upsample2D`, applied after nearest-neighbour upsampling.
        let upsampler: Conv2DWeights?

        /// Takes `input` over, as `VAEResnetBlock` does, and frees the block's last activation once it is
        /// upsampled (at 512×512 the upsampled one is 268 MB, its source 67 MB).
        func callAsFunction(_ input: consuming Tensor) -> Tensor {
            var hidden = input
            for resnet in resnets { hidden = resnet(consume hidden) }
            guard let upsampler else { return hidden }
            let upsampled = hidden.upsampledNearest2x()
            hidden.release()
            return upsampler(upsampled)
        }
    }

    let convIn: Conv2DWeights
    let midBlock: VAEMidBlock
    let upBlocks: [UpBlock]
    let normOut: GroupNormWeights
    let convOut: Conv2DWeights

    init(configuration: VAEConfiguration, weights: some WeightSource) throws {
        let channels = Array(configuration.blockOutChannels.reversed()), groups = configuration.normGroupCount
        convIn = try Conv2DWeights(weights: weights.scoped("conv_in"), in: configuration.latentChannels, out: channels[0],
                                   kernel: 3, padding: 1)
        midBlock = try VAEMidBlock(weights: weights.scoped("mid_block"), channels: channels[0], groups: groups,
                                   withAttention: configuration.midBlockAttention)
        var blocks: [UpBlock] = []
        var inChannels = channels[0]
        for (index, outChannels) in channels.enumerated() {
            let block = weights.scoped("up_blocks.\(index)")
            let resnets = try (0...configuration.layersPerBlock).map { layer in
                try VAEResnetBlock(weights: block.scoped("resnets.\(layer)"), in: layer == 0 ? inChannels : outChannels,
                                   out: outChannels, groups: groups)
            }
            let upsampler = index == channels.count - 1
                ? nil
                : try Conv2DWeights(weights: block.scoped("upsamplers.0.conv"), in: outChannels, out: outChannels,
                                    kernel: 3, padding: 1)
            blocks.append(UpBlock(resnets: resnets, upsampler: upsampler))
            inChannels = outChannels
        }
        upBlocks = blocks
        let shallowest = channels[channels.count - 1]
        normOut = try GroupNormWeights(weights: weights.scoped("conv_norm_out"), channels: shallowest, groups: groups, epsilon: 1e-6)
        convOut = try Conv2DWeights(weights: weights.scoped("conv_out"), in: shallowest, out: configuration.outChannels,
                                    kernel: 3, padding: 1)
    }

    /// `[N, latent, h, w]` → `[N, out, h·f, w·f]`.
    func callAsFunction(_ latent: Tensor) -> Tensor {
        var hidden = midBlock(convIn(latent))
        for block in upBlocks { hidden = block(consume hidden) }
        hidden = normOut(hidden, thenSiLU: true)
        return convOut(hidden)
    }
}
