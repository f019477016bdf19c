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

    func callAsFunction(_ input: Tensor) -> Tensor {
        var hidden = conv1(norm1(input).silu())
        hidden = conv2(norm2(hidden).silu())
        hidden += shortcut.map { $0(input) } ?? input
        return hidden
    }
}
