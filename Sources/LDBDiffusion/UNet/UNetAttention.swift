import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `Attention` as the UNet's transformer blocks use it: bias-free `to_q`, `to_k`, `to_v`, scaled
    /// dot-product attention over `heads` heads of `inner / heads` channels, then `to_out.0` with bias.
    /// `upcast_attention` needs nothing here: scores are float32 already. In the bfloat16 compute mode (bfloat16
    /// projections) the attention's products are bfloat16 too.
    struct Attention: Sendable {
        let query: LinearWeights
        let key: LinearWeights
        let value: LinearWeights
        let output: LinearWeights
        let heads: Int
        let precision: AttentionPrecision

        /// - Parameters:
        ///   - width: the channels of the token sequence (`query_dim`), also the inner width.
        ///   - contextWidth: the channels of the sequence keys and values come from: `width` for
        ///     self-attention, `cross_attention_dim` for cross-attention.
        init(_ weights: some WeightSource, width: Int, contextWidth: Int, heads: Int) throws {
            query = try LinearWeights(weights: weights.scoped("to_q"), in: width, out: width)
            key = try LinearWeights(weights: weights.scoped("to_k"), in: contextWidth, out: width)
            value = try LinearWeights(weights: weights.scoped("to_v"), in: contextWidth, out: width)
            output = try LinearWeights(weights: weights.scoped("to_out.0"), in: width, out: width)
            self.heads = heads
            precision = query.computesInBFloat16 ? .bfloat16 : .float32
        }

        /// `tokens` `[B, L, width]` attending to `context` `[B, Lc, contextWidth]` (to itself when `nil`).
        func callAsFunction(_ tokens: Tensor, context: Tensor? = nil) -> Tensor {
            let source = context ?? tokens
            return output(LDBTensor.attention(query: query(tokens), key: key(source), value: value(source), heads: heads,
                                              precision: precision))
        }
    }
}
