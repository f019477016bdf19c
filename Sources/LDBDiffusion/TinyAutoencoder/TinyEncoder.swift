import LDBTensor

/// diffusers' `EncoderTiny`: the image mapped from [-1, 1] to [0, 1], then per level a 3×3 convolution (the first
/// from the image's channels, with a bias; the others stride 2 without one) followed by its residual blocks, then a
/// 3×3 convolution to the latent's channels. The weights are `layers.<i>` of one `nn.Sequential`, numbered in that
/// order.
struct TinyEncoder: Sendable {
    /// One level: its first convolution, then its blocks.
    struct Level: Sendable {
        let convolution: Conv2DWeights
        let blocks: [TinyAutoencoderBlock]
    }

    let levels: [Level]
    let convOut: Conv2DWeights

    init(configuration: AutoencoderTinyConfiguration, weights: some WeightSource) throws {
        let channels = configuration.encoderChannels
        var layer = 0
        var levels: [Level] = []
        for (index, blockCount) in configuration.encoderBlockCounts.enumerated() {
            let isFirst = index == 0
            let convolution = try Conv2DWeights(weights: weights.scoped("layers.\(layer)"),
                                                in: isFirst ? configuration.inChannels : channels, out: channels,
                                                kernel: 3, stride: isFirst ? 1 : 2, padding: 1)
            let blocks = try (0..<blockCount).map { offset in
                try TinyAutoencoderBlock(weights: weights.scoped("layers.\(layer + 1 + offset)"), channels: channels)
            }
            layer += 1 + blockCount
            levels.append(Level(convolution: convolution, blocks: blocks))
        }
        self.levels = levels
        convOut = try Conv2DWeights(weights: weights.scoped("layers.\(layer)"), in: channels,
                                    out: configuration.latentChannels, kernel: 3, padding: 1)
    }

    /// `[N, in, H, W]` in [-1, 1] → `[N, latent, ⌈H/f⌉, ⌈W/f⌉]`.
    func callAsFunction(_ image: Tensor) -> Tensor {
        var hidden = image.map { ($0 + 1) / 2 }
        for level in levels {
            hidden = level.convolution(hidden)
            for block in level.blocks { hidden = block(hidden) }
        }
        return convOut(hidden)
    }
}
