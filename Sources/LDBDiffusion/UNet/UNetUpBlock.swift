import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `CrossAttnUpBlock2D` or `UpBlock2D`: `layers_per_block + 1` ResNet blocks, each fed the previous
    /// output joined (along the channels, after it) with the latest unused skip state of the down path, each
    /// followed by a spatial transformer for the cross-attention kind; then an upsampler on every block but the last.
    struct UpBlock: Sendable {
        let resnets: [ResnetBlock]
        /// One per ResNet block for `CrossAttnUpBlock2D`, empty for `UpBlock2D`.
        let attentions: [SpatialTransformer]
        let upsample: Upsample?

        /// - Parameters:
        ///   - index: the position among the up blocks, coarsest first.
        ///   - input: the channels coming from the block below (`prev_output_channel`).
        init(_ weights: some WeightSource, index: Int, input: Int, configuration: UNetConfiguration) throws {
            let levels = configuration.levels
            let level = levels - 1 - index
            let output = configuration.blockOutChannels[level]
            // The last skip state this block takes is the first one its level's down block left: that block's input.
            let skipInput = configuration.blockOutChannels[max(level - 1, 0)]
            let layers = configuration.layersPerBlock[level] + 1
            resnets = try (0..<layers).map { layer in
                let skip = layer == layers - 1 ? skipInput : output
                return try ResnetBlock(weights.scoped("resnets.\(layer)"), input: (layer == 0 ? input : output) + skip,
                                       output: output, configuration: configuration)
            }
            attentions = configuration.upBlocks[index] == .resnet ? [] : try (0..<layers).map { layer in
                try SpatialTransformer(weights.scoped("attentions.\(layer)"), channels: output,
                                       heads: configuration.attentionHeads[level],
                                       layers: configuration.transformerLayersPerBlock[level],
                                       configuration: configuration)
            }
            upsample = index == levels - 1 ? nil : try Upsample(weights.scoped("upsamplers.0"), channels: output)
        }

        /// - Parameters:
        ///   - skips: this block's skip states in the order the down path left them; the last is used first.
        ///   - upsampleSize: the size the upsampler must reach, or `nil` for 2×.
        func callAsFunction(_ input: Tensor, skips: ArraySlice<Tensor>, activatedTime: Tensor, context: Tensor,
                            upsampleSize: (height: Int, width: Int)?) -> Tensor {
            var hidden = input
            for (layer, skip) in zip(resnets.indices, skips.reversed()) {
                hidden = resnets[layer](Tensor(concatenating: [hidden, skip], axis: 1), activatedTime: activatedTime)
                if !attentions.isEmpty {
                    hidden = attentions[layer](hidden, context: context)
                }
            }
            if let upsample {
                hidden = upsample(hidden, size: upsampleSize)
            }
            return hidden
        }
    }
}
