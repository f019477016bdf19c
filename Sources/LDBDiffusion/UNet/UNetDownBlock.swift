import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `CrossAttnDownBlock2D` (a spatial transformer after each ResNet block) or `DownBlock2D` (ResNet
    /// blocks only), with a stride-2 downsampler on every level but the last.
    struct DownBlock: Sendable {
        let resnets: [ResnetBlock]
        /// One per ResNet block for `CrossAttnDownBlock2D`, empty for `DownBlock2D`.
        let attentions: [SpatialTransformer]
        let downsample: Downsample?

        init(_ weights: some WeightSource, level: Int, input: Int, configuration: UNetConfiguration) throws {
            let output = configuration.blockOutChannels[level]
            let layers = configuration.layersPerBlock[level]
            resnets = try (0..<layers).map { index in
                try ResnetBlock(weights.scoped("resnets.\(index)"), input: index == 0 ? input : output, output: output,
                                configuration: configuration)
            }
            attentions = configuration.downBlocks[level] == .resnet ? [] : try (0..<layers).map { index in
                try SpatialTransformer(weights.scoped("attentions.\(index)"), channels: output,
                                       heads: configuration.attentionHeads[level],
                                       layers: configuration.transformerLayersPerBlock[level],
                                       configuration: configuration)
            }
            downsample = level == configuration.levels - 1 ? nil
                : try Downsample(weights.scoped("downsamplers.0"), channels: output, padding: configuration.downsamplePadding)
        }

        /// The block's output and the states it leaves for the up path's skip connections: the output of every
        /// ResNet (+ transformer) step, then the downsampled output.
        func callAsFunction(_ input: Tensor, activatedTime: Tensor, context: Tensor) -> (output: Tensor, skips: [Tensor]) {
            var hidden = input
            var skips: [Tensor] = []
            for (index, resnet) in resnets.enumerated() {
                hidden = resnet(hidden, activatedTime: activatedTime)
                if !attentions.isEmpty {
                    hidden = attentions[index](hidden, context: context)
                }
                skips.append(hidden)
            }
            if let downsample {
                hidden = downsample(hidden)
                skips.append(hidden)
            }
            return (hidden, skips)
        }
    }
}
