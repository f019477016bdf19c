import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `ResnetBlock2D` with `time_embedding_norm="default"`:
    /// `(shortcut(x) + conv2(silu(norm2(conv1(silu(norm1(x))) + time_emb_proj(silu(t)))))) / output_scale_factor`.
    /// Dropout is the identity at inference.
    struct ResnetBlock: Sendable {
        let norm1: GroupNormWeights
        let conv1: Conv2DWeights
        let timeProjection: LinearWeights
        let norm2: GroupNormWeights
        let conv2: Conv2DWeights
        /// A 1×1 convolution when the block changes the channel count, else the identity.
        let shortcut: Conv2DWeights?
        let outputScaleFactor: Float

        init(_ weights: some WeightSource, input: Int, output: Int, configuration: UNetConfiguration,
             outputScaleFactor: Float = 1) throws {
            let groups = configuration.normGroups, epsilon = configuration.normEpsilon
            norm1 = try GroupNormWeights(weights: weights.scoped("norm1"), channels: input, groups: groups, epsilon: epsilon)
            conv1 = try Conv2DWeights(weights: weights.scoped("conv1"), in: input, out: output, kernel: 3, padding: 1)
            timeProjection = try LinearWeights(weights: weights.scoped("time_emb_proj"),
                                               in: configuration.timeEmbeddingDimension, out: output)
            norm2 = try GroupNormWeights(weights: weights.scoped("norm2"), channels: output, groups: groups, epsilon: epsilon)
            conv2 = try Conv2DWeights(weights: weights.scoped("conv2"), in: output, out: output, kernel: 3, padding: 1)
            shortcut = input == output ? nil
                : try Conv2DWeights(weights: weights.scoped("conv_shortcut"), in: input, out: output, kernel: 1)
            self.outputScaleFactor = outputScaleFactor
        }

        /// - Parameters:
        ///   - input: `[B, in, H, W]`.
        ///   - activatedTime: the timestep embedding after SiLU, `[B, time_embed_dim]` (diffusers applies the
        ///     SiLU inside every block; the model applies it once for all of them).
        /// - Returns: `[B, out, H, W]`.
        func callAsFunction(_ input: Tensor, activatedTime: Tensor) -> Tensor {
            var hidden = conv1(norm1(input, thenSiLU: true))
            hidden = hidden.addingChannelBias(timeProjection(activatedTime))
            hidden = conv2(norm2(hidden, thenSiLU: true))
            hidden += shortcut?(input) ?? input
            return outputScaleFactor == 1 ? hidden : hidden / outputScaleFactor
        }
    }
}
