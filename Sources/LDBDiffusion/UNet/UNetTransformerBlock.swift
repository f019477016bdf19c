import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `BasicTransformerBlock` with `norm_type="layer_norm"`: pre-LayerNorm self-attention,
    /// cross-attention on the text states, and a GEGLU feed-forward, each added back to its input.
    struct TransformerBlock: Sendable {
        let norm1: LayerNormWeights
        let selfAttention: Attention
        let norm2: LayerNormWeights
        let crossAttention: Attention
        let norm3: LayerNormWeights
        /// `ff.net.0.proj`: to twice the inner width (4 × width), split into value and GELU gate.
        let gatedProjection: LinearWeights
        /// `ff.net.2`: back from the inner width.
        let outputProjection: LinearWeights

        /// diffusers' `BasicTransformerBlock` default `norm_eps`, which the UNet never overrides.
        static let layerNormEpsilon: Float = 1e-5

        init(_ weights: some WeightSource, width: Int, heads: Int, contextWidth: Int) throws {
            norm1 = try LayerNormWeights(weights: weights.scoped("norm1"), width: width)
            selfAttention = try Attention(weights.scoped("attn1"), width: width, contextWidth: width, heads: heads)
            norm2 = try LayerNormWeights(weights: weights.scoped("norm2"), width: width)
            crossAttention = try Attention(weights.scoped("attn2"), width: width, contextWidth: contextWidth, heads: heads)
            norm3 = try LayerNormWeights(weights: weights.scoped("norm3"), width: width)
            let inner = 4 * width
            gatedProjection = try LinearWeights(weights: weights.scoped("ff.net.0.proj"), in: width, out: 2 * inner)
            outputProjection = try LinearWeights(weights: weights.scoped("ff.net.2"), in: inner, out: width)
        }

        /// `tokens` `[B, L, width]`, `context` `[B, Lc, contextWidth]` → `[B, L, width]`.
        func callAsFunction(_ tokens: Tensor, context: Tensor) -> Tensor {
            var hidden = tokens
            hidden += selfAttention(norm1(hidden, epsilon: Self.layerNormEpsilon))
            hidden += crossAttention(norm2(hidden, epsilon: Self.layerNormEpsilon), context: context)
            hidden += outputProjection(gatedProjection(norm3(hidden, epsilon: Self.layerNormEpsilon)).geglu())
            return hidden
        }
    }
}
