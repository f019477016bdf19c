import LDBTensor

/// Turns a prompt into the embeddings the noise prediction is conditioned on (CLIP's last hidden state here).
public protocol TextConditioning: Sendable {
    /// `[1, tokens, width]`.
    func textEmbeddings(_ prompt: String) throws -> Tensor
}

/// Predicts the noise (or v) of a latent at a timestep, with classifier-free guidance, on latents of any size
/// whose sides are multiples of `unetSizeMultiple`. The sampling loop (`sample(with:…)`) runs on any of them.
public protocol NoisePredicting: Sendable {
    /// u: the sides of a latent the network takes are multiples of it (or the whole latent).
    var unetSizeMultiple: Int { get }
    /// eps_u + guidance (eps_c − eps_u) when guidance > 1, else eps_c alone; `[B, C, h, w]`.
    func noisePrediction(latent: Tensor, timestep: Int, conditional: Tensor, unconditional: Tensor?,
                         guidance: Double) throws -> Tensor
}

/// Moves between pixels and scaled latents.
public protocol LatentCoding: Sendable {
    /// Image pixels per latent cell along each side.
    var latentFactor: Int { get }
    /// `[N, 3, H, W]` in [-1, 1] to the scaled latent `[N, C, H / f, W / f]`.
    func encode(image: Tensor) throws -> Tensor
    /// The scaled latent to `[N, 3, h·f, w·f]`, nominally in [-1, 1].
    func decode(latent: Tensor) throws -> Tensor
}

extension StableDiffusionPipeline: DiffusionBackend {}

extension NoisePredicting {
    /// The one sampling loop (of the pipeline and of the engine): steps `latent` through
    /// `scheduler.timesteps[indices]` with `noisePrediction` in one run of the scheduler (`makeRun(indices:)`),
    /// calling `onStep` after each step with the new latent. `onStep` may throw to stop between two steps
    /// (cancellation).
    ///
    /// - Parameters:
    ///   - scheduler: a DDIM scheduler, an inverse one, or any other; what it remembers between steps lives in
    ///     the run, so one scheduler serves every pass of its N.
    ///   - indices: indices into `scheduler.timesteps`; an empty range returns `latent` unchanged.
    ///   - latent: `[B, C, h, w]`, sides multiples of `unetSizeMultiple` or the whole latent.
    ///   - conditional: the prompt's embeddings (`TextConditioning.textEmbeddings(_:)`).
    ///   - unconditional: the negative prompt's embeddings; required when `guidance > 1`.
    public func sample(with scheduler: some Scheduler, indices: Range<Int>, from latent: Tensor, conditional: Tensor,
                       unconditional: Tensor?, guidance: Double,
                       onStep: (SamplingStep) throws -> Void) throws -> Tensor {
        guard indices.lowerBound >= 0, indices.upperBound <= scheduler.timesteps.count else {
            throw PipelineError.invalidStepRange(indices, total: scheduler.timesteps.count)
        }
        var latent = latent
        var run = scheduler.makeRun(indices: indices)
        for (completed, index) in indices.enumerated() {
            let timestep = scheduler.timesteps[index]
            let prediction = try noisePrediction(latent: latent, timestep: timestep, conditional: conditional,
                                                 unconditional: unconditional, guidance: guidance)
            latent = try run.step(output: prediction, timestep: timestep, sample: latent)
            try onStep(SamplingStep(index: index, completed: completed + 1, total: indices.count, latent: latent))
        }
        return latent
    }
}

extension AutoencoderTiny: LatentCoding {
    public var latentFactor: Int { configuration.downsamplingFactor }

    /// The diffusion model's latent of an image: TAESD's latent times its scaling factor (1 for TAESD).
    public func encode(image: Tensor) throws -> Tensor {
        try encode(image) * configuration.scalingFactor
    }

    /// The image of the diffusion model's latent, divided by TAESD's scaling factor first (1 for TAESD).
    public func decode(latent: Tensor) throws -> Tensor {
        try decode(latent / configuration.scalingFactor)
    }
}
