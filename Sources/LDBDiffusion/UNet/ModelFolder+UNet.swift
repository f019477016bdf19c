extension ModelFolder {
    /// The UNet, its configuration read from `unet/config.json` and its weights loaded.
    /// - Parameter variant: `nil` for the main weights file, or a variant name such as `"fp16"`.
    public func unet(variant: String? = nil) throws -> UNet2DConditionModel {
        try UNet2DConditionModel(configuration: UNetConfiguration(contentsOf: unetConfigURL),
                                 weights: weights(component: "unet", variant: variant))
    }
}
