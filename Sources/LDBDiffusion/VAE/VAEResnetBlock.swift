import LDBTensor

/// diffusers' `ResnetBlock2D` as the VAE uses it (no time embedding):
/// `(x + conv2(silu(norm2(conv1(silu(norm1(x))))))`, with a 1×1 `conv_shortcut` on `x` when the channel
/// count changes.
struct VAEResnetBlock: Sendable {
    let norm1: GroupNormWeights
    let conv1: Conv2DWeights
    let norm2: GroupNormWeights
    let conv2: Conv2DWeights
    let shortcut: Conv2DWeights?

    init(weights: some WeightSource, in inChannels: Int, out outChannels: Int, groups: Int) throws {
        norm1 = try GroupNormWeights(weights: weights.scoped("norm1"), channels: inChannels, groups: groups, epsilon: 1e-6)
        conv1 = try Conv2DWeights(weights: weights.scoped("conv1"), in: inChannels, out: outChannels, kernel: 3, padding: 1)
        norm2 = try GroupNormWeights(weights: weights.scoped("norm2"), channels: outChannels, groups: groups, epsilon: 1e-6)
        conv2 = try Conv2DWeights(weights: weights.scoped("conv2"), in: outChannels, out: outChannels, kernel: 3, padding: 1)
        shortcut = inChannels == outChannels
            ? nil
            : try Conv2DWeights(weights: weights.scoped("conv_shortcut"), in: inChannels, out: outChannels, kernel: 1)
    }

    /// `input` is taken over: a caller that hands over its last reference (`hidden = block(consume hidden)`)
    /// lets the block free it once the shortcut and the first norm have read it, and each intermediate is freed
    /// as soon as the next exists. At 512×512 the decoder's 256 → 128 channel block then peaks at 0.55 GB of
    /// activations instead of 0.73 GB (the input alone is 268 MB).
    func callAsFunction(_ input: consuming Tensor) -> Tensor {
        var owned = input
        let residual = shortcut.map { $0(owned) } ?? owned
        var hidden = norm1(owned, thenSiLU: true)
        owned.release()
        hidden = conv1(hidden)
        hidden = norm2(hidden, thenSiLU: true)
        hidden = conv2(hidden)
        hidden += residual
        return hidden
    }
}
