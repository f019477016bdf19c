import LDBTensor

extension StableDiffusionPipeline {
    /// The UNet's prediction for `latent` at `timestep`, with classifier-free guidance as docs/algorithm.md ("Conventions") defines it.
    ///
    /// When `guidance > 1` the UNet runs once on the batch `[unconditional, conditional]` and the result is
    /// `eps_u + guidance * (eps_c - eps_u)`, rounded to float32 in diffusers' order. Otherwise it runs on the
    /// conditional embeddings alone, as a batch of one, and `unconditional` is not used. With v-prediction the
    /// same combination applies to v.
    ///
    /// - Parameters:
    ///   - latent: `[B, 4, h, w]`.
    ///   - conditional: the prompt's embeddings, `[B, 77, C]` (see `textEmbeddings(_:)`).
    ///   - unconditional: the negative prompt's embeddings (the empty prompt's when there is none), the same
    ///     shape as `conditional`; required when `guidance > 1`.
    /// - Returns: `[B, 4, h, w]`. Each call adds one evaluation to `evaluationCounter`.
    public func noisePrediction(latent: Tensor, timestep: Int, conditional: Tensor, unconditional: Tensor?,
                                guidance: Double) throws -> Tensor {
        try checkGuidance(guidance)
        try checkLatent(latent)
        guard conditional.rank == 3 else {
            throw PipelineError.invalidShape(name: "conditional embeddings", shape: conditional.shape,
                                             expected: "[B, tokens, \(textEncoder.configuration.hiddenSize)]")
        }
        guard guidance > 1 else {
            return try evaluateUNet(latent: latent, timestep: timestep, context: conditional)
        }
        guard let unconditional else { throw PipelineError.missingUnconditionalEmbeddings(guidance: guidance) }
        guard unconditional.shape == conditional.shape else {
            throw PipelineError.invalidShape(name: "unconditional embeddings", shape: unconditional.shape,
                                             expected: "\(conditional.shape), the shape of the conditional embeddings")
        }
        let both = try evaluateUNet(latent: Tensor(concatenating: [latent, latent], axis: 0), timestep: timestep,
                                    context: Tensor(concatenating: [unconditional, conditional], axis: 0))
        let halves = both.chunked(2, axis: 0)
        let (unconditionalPrediction, conditionalPrediction) = (halves[0], halves[1])
        return unconditionalPrediction + Float(guidance) * (conditionalPrediction - unconditionalPrediction)
    }

    /// One UNet forward pass, counted.
    private func evaluateUNet(latent: Tensor, timestep: Int, context: Tensor) throws -> Tensor {
        let prediction = try unet(sample: latent, timesteps: [Float(timestep)], encoderHiddenStates: context)
        evaluationCounter.recordUNet(batch: latent.shape[0], height: latent.shape[2], width: latent.shape[3])
        return prediction
    }

    func checkGuidance(_ guidance: Double) throws {
        guard guidance.isFinite else { throw PipelineError.invalidGuidance(guidance) }
    }

    /// Checks that `latent` is `[B, 4, h, w]` with no empty dimension.
    func checkLatent(_ latent: Tensor) throws {
        let channels = unet.configuration.inChannels
        guard latent.rank == 4, latent.shape[1] == channels, latent.shape.allSatisfy({ $0 > 0 }) else {
            throw PipelineError.invalidShape(name: "latent", shape: latent.shape, expected: "[B, \(channels), h, w]")
        }
    }
}
