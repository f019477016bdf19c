import LDBTensor

extension StableDiffusionPipeline {
    /// The base trajectory Z[0...N] of a generated image (docs/algorithm.md, "Base trajectory").
    ///
    /// Z[0] = `randn([1, 4, h, w], seed) * init_noise_sigma`, and Z[i + 1] is the DDIM step (eta 0) from Z[i] at
    /// tau[i] with the guided prediction of `noisePrediction`. Z[i] is the latent before step i; Z[N] is the
    /// clean latent. This is exactly what diffusers' `StableDiffusionPipeline` computes for the same arguments.
    ///
    /// - Parameters:
    ///   - negativePrompt: the unconditional prompt; `nil` means the empty prompt. Unused when `guidance <= 1`.
    ///   - guidance: the classifier-free guidance scale; 1 or less runs the UNet on the prompt alone.
    ///   - seed: the seed of torch's CPU generator.
    ///   - steps: N, the number of DDIM steps.
    ///   - width: image width in pixels, a multiple of `latentFactor`.
    ///   - height: image height in pixels, a multiple of `latentFactor`.
    ///   - progress: called after each step.
    /// - Returns: the N + 1 latents Z[0...N], each `[1, 4, height / f, width / f]`.
    public func baseTrajectory(prompt: String, negativePrompt: String? = nil, guidance: Double, seed: UInt64,
                               steps: Int, width: Int, height: Int,
                               progress: PipelineProgress? = nil) throws -> [Tensor] {
        let shape = try latentShape(width: width, height: height)
        let scheduler = try scheduler(steps: steps)
        try checkGuidance(guidance)
        let conditional = try textEmbeddings(prompt)
        let unconditional = guidance > 1 ? try textEmbeddings(negativePrompt ?? "") : nil
        var trajectory = [randn(shape, seed: seed) * scheduler.initNoiseSigma]
        _ = try runSteps(of: scheduler, indices: scheduler.timesteps.indices, from: trajectory[0],
                         conditional: conditional, unconditional: unconditional, guidance: guidance,
                         progress: progress) { trajectory.append($0) }
        return trajectory
    }

    /// Runs the DDIM steps of indices `steps` of an N-step schedule, from the latent before step
    /// `steps.lowerBound` to the latent before step `steps.upperBound` — the same scheduler and guidance as
    /// `baseTrajectory`, so `denoise(latent: Z[s], steps: s..<b, …)` is Z[b] when given the base parameters.
    ///
    /// - Parameters:
    ///   - latent: `[B, 4, h, w]`, at noise level tau[`steps.lowerBound`].
    ///   - steps: indices into tau[0..<N]; an empty range returns `latent` unchanged.
    ///   - totalSteps: N.
    ///   - conditional: the prompt's embeddings (`textEmbeddings(_:)`).
    ///   - unconditional: the negative prompt's embeddings; required when `guidance > 1`.
    ///   - progress: called after each step, counting from 1 to `steps.count`.
    public func denoise(latent: Tensor, steps: Range<Int>, totalSteps: Int, conditional: Tensor,
                        unconditional: Tensor?, guidance: Double,
                        progress: PipelineProgress? = nil) throws -> Tensor {
        let scheduler = try scheduler(steps: totalSteps)
        let indices = scheduler.timesteps.indices
        guard steps.lowerBound >= indices.lowerBound, steps.upperBound <= indices.upperBound else {
            throw PipelineError.invalidStepRange(steps, total: indices.count)
        }
        try checkGuidance(guidance)
        try checkLatent(latent)
        return try runSteps(of: scheduler, indices: steps, from: latent, conditional: conditional,
                            unconditional: unconditional, guidance: guidance, progress: progress) { _ in }
    }

    /// `sample(with:…)` for the callers above, with a progress callback and a record of every latent.
    func runSteps(of scheduler: some Scheduler, indices: Range<Int>, from latent: Tensor, conditional: Tensor,
                  unconditional: Tensor?, guidance: Double, progress: PipelineProgress?,
                  record: (Tensor) -> Void) throws -> Tensor {
        try sample(with: scheduler, indices: indices, from: latent, conditional: conditional,
                   unconditional: unconditional, guidance: guidance) { step in
            record(step.latent)
            progress?(step.completed, step.total)
        }
    }
}

/// One finished step of `StableDiffusionPipeline.sample(with:…)`.
public struct SamplingStep: Sendable {
    /// The index of the step in the scheduler's timesteps.
    public let index: Int
    /// Steps done in this run, counting from 1.
    public let completed: Int
    /// Steps in this run.
    public let total: Int
    /// The latent after the step.
    public let latent: Tensor
}
