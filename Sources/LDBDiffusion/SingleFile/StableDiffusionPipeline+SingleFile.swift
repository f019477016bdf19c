extension StableDiffusionPipeline {
    /// Loads every component of a single-file checkpoint, keeping the weights at `precision`.
    /// - Throws: the component's error (`SingleFileError` naming a missing or misshapen tensor, …), or
    ///   `PipelineError` when the components do not fit together.
    public init(checkpoint: SingleFileCheckpoint, precision: WeightPrecision = .float32,
                evaluationCounter: UNetEvaluationCounter = UNetEvaluationCounter()) throws {
        try self.init(tokenizer: checkpoint.tokenizer, textEncoder: checkpoint.textEncoder(precision: precision),
                      unet: checkpoint.unet(precision: precision), autoencoder: checkpoint.autoencoder(precision: precision),
                      schedulerConfig: checkpoint.schedulerConfig,
                      evaluationCounter: evaluationCounter)
    }
}
