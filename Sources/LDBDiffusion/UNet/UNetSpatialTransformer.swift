import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `Transformer2DModel` on continuous input: GroupNorm (epsilon fixed at 1e-6), projection in,
    /// transformer blocks over the `H·W` pixel tokens, projection out, plus the input.
    ///
    /// SD 1.x projects with 1×1 convolutions and SD 2.x with linear layers (`use_linear_projection`). Both are the
    /// same matrix applied to every pixel, so both run as linear layers on the token sequence.
    struct SpatialTransformer: Sendable {
        let norm: GroupNormWeights
        let projectionIn: LinearWeights
        let blocks: [TransformerBlock]
        let projectionOut: LinearWeights

        init(_ weights: some WeightSource, channels: Int, heads: Int, layers: Int,
             configuration: UNetConfiguration) throws {
            norm = try GroupNormWeights(weights: weights.scoped("norm"), channels: channels,
                                        groups: configuration.normGroups, epsilon: 1e-6)
            if configuration.usesLinearProjection {
                projectionIn = try LinearWeights(weights: weights.scoped("proj_in"), in: channels, out: channels)
                projectionOut = try LinearWeights(weights: weights.scoped("proj_out"), in: channels, out: channels)
            } else {
                projectionIn = try LinearWeights(pointwiseConvolution: weights.scoped("proj_in"), channels: channels)
                projectionOut = try LinearWeights(pointwiseConvolution: weights.scoped("proj_out"), channels: channels)
            }
            blocks = try (0..<layers).map { index in
                try TransformerBlock(weights.scoped("transformer_blocks.\(index)"), width: channels, heads: heads,
                                     contextWidth: configuration.crossAttentionDimension)
            }
        }

        /// `input` `[B, C, H, W]`, `context` `[B, Lc, cross_attention_dim]` → `[B, C, H, W]`.
        func callAsFunction(_ input: Tensor, context: Tensor) -> Tensor {
            let (height, width) = (input.shape[2], input.shape[3])
            var tokens = projectionIn(norm(input).channelsLastSequence())
            for block in blocks {
                tokens = block(tokens, context: context)
            }
            var output = projectionOut(tokens).channelsFirstImage(height: height, width: width)
            output += input
            return output
        }
    }
}

extension LinearWeights {
    /// A 1×1 `nn.Conv2d` from `channels` to `channels` (weight `[C, C, 1, 1]`), kept as the linear layer it is on
    /// a sequence of pixel tokens.
    fileprivate init(pointwiseConvolution weights: some WeightSource, channels: Int) throws {
        weight = try weights.matrix("weight", shape: [channels, channels, 1, 1]).reshaped([channels, channels])
        bias = try weights.tensor("bias", shape: [channels])
    }
}
