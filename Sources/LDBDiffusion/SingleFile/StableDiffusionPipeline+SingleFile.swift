extension StableDiffusionPipeline {
    /// Loads every component of a single-file checkpoint.
    /// - Throws: the component's error (`SingleFileError` naming a missing or misshapen tensor, …), or
    ///   `PipelineError` when the components do not fit together.
    public init(checkpoint: SingleFileCheckpoint,
                evaluationCounter: UNetEvaluationCounter = UNetEvaluationCounter()) throws {
        try self.init(tokenizer: checkpoint.tokenizer, textEncoder: checkpoint.textEncoder(), unet: checkpoint.unet(),
                      autoencoder: checkpoint.autoencoder(), schedulerConfig: checkpoint.schedulerConfig,
                      evaluationCounter: evaluationCounter)
    }
}
