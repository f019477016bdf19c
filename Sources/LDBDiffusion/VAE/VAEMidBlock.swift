import LDBTensor

/// diffusers' `UNetMidBlock2D` as the VAE builds it: a ResNet block, the optional single-head attention,
/// and another ResNet block, all at the deepest channel count.
struct VAEMidBlock: Sendable {
    let first: VAEResnetBlock
    let attention: VAEAttentionBlock?
    let second: VAEResnetBlock

    init(weights: some WeightSource, channels: Int, groups: Int, withAttention: Bool) throws {
        first = try VAEResnetBlock(weights: weights.scoped("resnets.0"), in: channels, out: channels, groups: groups)
        attention = withAttention
            ? try VAEAttentionBlock(weights: weights.scoped("attentions.0"), channels: channels, groups: groups)
            : nil
        second = try VAEResnetBlock(weights: weights.scoped("resnets.1"), in: channels, out: channels, groups: groups)
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        var hidden = first(input)
        if let attention { hidden = attention(hidden) }
        return second(hidden)
    }
}
