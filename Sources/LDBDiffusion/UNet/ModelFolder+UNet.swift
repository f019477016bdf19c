extension ModelFolder {
    /// The UNet, its configuration read from `unet/config.json` and its weights loaded.
    /// - Parameters:
    ///   - variant: `nil` for the main weights file, or a variant name such as `"fp16"`.
    ///   - precision: how the weights are kept in memory.
    public func unet(variant: String? = nil, precision: WeightPrecision = .float32) throws -> UNet2DConditionModel {
        try UNet2DConditionModel(configuration: UNetConfiguration(contentsOf: unetConfigURL),
                                 weights: weights(component: "unet", variant: variant).at(precision))
    }
}
