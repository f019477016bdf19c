import LDBTensor

/// The single-head self-attention of the VAE's mid block (diffusers' `Attention` built with
/// `_from_deprecated_attn_block`): group norm, then attention over all pixels with one head as wide as the
/// channels, an output projection and a residual connection. In the bfloat16 compute mode (bfloat16 projections)
/// the attention's products are bfloat16 too.
struct VAEAttentionBlock: Sendable {
    let groupNorm: GroupNormWeights
    let query: LinearWeights
    let key: LinearWeights
    let value: LinearWeights
    let output: LinearWeights
    let precision: AttentionPrecision

    /// Loads `to_q`, `to_k`, `to_v` and `to_out.0`, or the names of older diffusers VAEs
    /// (`query`, `key`, `value`, `proj_attn`, which diffusers renames on load).
    init(weights: some WeightSource, channels: Int, groups: Int) throws {
        groupNorm = try GroupNormWeights(weights: weights.scoped("group_norm"), channels: channels, groups: groups, epsilon: 1e-6)
        let legacy = !weights.contains("to_q.weight") && weights.contains("query.weight")
        let names = legacy ? ["query", "key", "value", "proj_attn"] : ["to_q", "to_k", "to_v", "to_out.0"]
        let projections = try names.map { name in
            try LinearWeights(weights: weights.scoped(name), in: channels, out: channels)
        }
        (query, key, value, output) = (projections[0], projections[1], projections[2], projections[3])
        precision = query.computesInBFloat16 ? .bfloat16 : .float32
    }

    /// `[N, C, H, W]` → `[N, C, H, W]`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        let (height, width) = (input.shape[2], input.shape[3])
        let tokens = groupNorm(input).channelsLastSequence()
        let attended = attention(query: query(tokens), key: key(tokens), value: value(tokens), heads: 1,
                                 precision: precision)
        return input + output(attended).channelsFirstImage(height: height, width: width)
    }
}
