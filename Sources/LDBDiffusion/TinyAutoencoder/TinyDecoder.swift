import LDBTensor

/// diffusers' `DecoderTiny`: the latent soft-clamped to (-3, 3) by `tanh(x / 3) · 3`, a 3×3 convolution and a
/// ReLU, then per level its residual blocks followed, on every level but the last, by a nearest 2× upsampling and
/// a 3×3 convolution without bias; the last level ends in a 3×3 convolution with bias to the image's channels.
/// The output, in [0, 1] by training, is mapped to [-1, 1]. The weights are `layers.<i>` of one `nn.Sequential`,
/// numbered in that order (the activation and the upsamplings take indices too).
struct TinyDecoder: Sendable {
    /// One level: its blocks, then its convolution (after an upsampling on every level but the last).
    struct Level: Sendable {
        let blocks: [TinyAutoencoderBlock]
        let upsamples: Bool
        let convolution: Conv2DWeights
    }

    let convIn: Conv2DWeights
    let levels: [Level]

    init(configuration: AutoencoderTinyConfiguration, weights: some WeightSource) throws {
        let channels = configuration.decoderChannels
        convIn = try Conv2DWeights(weights: weights.scoped("layers.0"), in: configuration.latentChannels, out: channels,
                                   kernel: 3, padding: 1)
        var layer = 2 // layers.1 is the ReLU
        var levels: [Level] = []
        for (index, blockCount) in configuration.decoderBlockCounts.enumerated() {
            let blocks = try (0..<blockCount).map { offset in
                try TinyAutoencoderBlock(weights: weights.scoped("layers.\(layer + offset)"), channels: channels)
            }
            layer += blockCount
            let isLast = index == configuration.decoderBlockCounts.count - 1
            if !isLast { layer += 1 } // the upsampling
            let convolution = try Conv2DWeights(weights: weights.scoped("layers.\(layer)"), in: channels,
                                                out: isLast ? configuration.outChannels : channels, kernel: 3, padding: 1)
            layer += 1
            levels.append(Level(blocks: blocks, upsamples: !isLast, convolution: convolution))
        }
        self.levels = levels
    }

    /// `[N, latent, h, w]` → `[N, out, h·f, w·f]`.
    func callAsFunction(_ latent: Tensor) -> Tensor {
        var hidden = convIn((latent / 3).tanh() * 3)
        hidden.applyReLU()
        for level in levels {
            for block in level.blocks { hidden = block(hidden) }
            if level.upsamples { hidden = hidden.upsampledNearest2x() }
            hidden = level.convolution(hidden)
        }
        return hidden.map { $0 * 2 - 1 }
    }
}
