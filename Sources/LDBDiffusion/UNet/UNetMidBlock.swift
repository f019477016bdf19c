import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `UNetMidBlock2DCrossAttn` with one layer: ResNet block, spatial transformer, ResNet block, at the
    /// coarsest level. Its ResNet blocks divide by `mid_block_scale_factor`.
    struct MidBlock: Sendable {
        let firstResnet: ResnetBlock
        let attention: SpatialTransformer
        let secondResnet: ResnetBlock

        init(_ weights: some WeightSource, configuration: UNetConfiguration) throws {
            let level = configuration.levels - 1
            let channels = configuration.blockOutChannels[level]
            firstResnet = try ResnetBlock(weights.scoped("resnets.0"), input: channels, output: channels,
                                          configuration: configuration, outputScaleFactor: configuration.midBlockScaleFactor)
            attention = try SpatialTransformer(weights.scoped("attentions.0"), channels: channels,
                                               heads: configuration.attentionHeads[level],
                                               layers: configuration.transformerLayersPerBlock[level],
                                               configuration: configuration)
            secondResnet = try ResnetBlock(weights.scoped("resnets.1"), input: channels, output: channels,
                                           configuration: configuration, outputScaleFactor: configuration.midBlockScaleFactor)
        }

        func callAsFunction(_ input: Tensor, activatedTime: Tensor, context: Tensor) -> Tensor {
            let hidden = firstResnet(input, activatedTime: activatedTime)
            return secondResnet(attention(hidden, context: context), activatedTime: activatedTime)
        }
    }
}
