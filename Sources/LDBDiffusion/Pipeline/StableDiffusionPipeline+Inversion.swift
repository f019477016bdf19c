import LDBTensor

extension StableDiffusionPipeline {
    /// The DDIM inversion X[0...N] of a real image (docs/algorithm.md, "Base trajectory", real image).
    ///
    /// X[0] = `encode(image:)` (the VAE's mean, scaled), and X[j + 1] is diffusers' `DDIMInverseScheduler` step
    /// from X[j] at its ascending timestep j, with the UNet's prediction on `prompt` alone (guidance 1, one
    /// sample per step). The base trajectory of the image is Z[i] = X[N − i].
    ///
    /// - Parameters:
    ///   - image: `[1, 3, H, W]` with values in [-1, 1]; H and W multiples of `latentFactor`.
    ///   - prompt: the prompt the image is inverted under; empty by default.
    ///   - steps: N, the number of inversion steps.
    ///   - progress: called after each step.
    /// - Returns: the N + 1 latents X[0...N], each `[1, 4, H / f, W / f]`.
    public func inversionTrajectory(image: Tensor, prompt: String = "", steps: Int,
                                    progress: PipelineProgress? = nil) throws -> [Tensor] {
        let channels = autoencoder.configuration.inChannels
        guard image.rank == 4, image.shape[0] == 1, image.shape[1] == channels else {
            throw PipelineError.invalidShape(name: "image", shape: image.shape, expected: "[1, \(channels), H, W]")
        }
        _ = try latentShape(width: image.shape[3], height: image.shape[2])
        let scheduler = try inverseScheduler(steps: steps)
        let conditional = try textEmbeddings(prompt)
        var trajectory = [try encode(image: image)]
        _ = try runSteps(of: scheduler, indices: scheduler.timesteps.indices, from: trajectory[0],
                         conditional: conditional, unconditional: nil, guidance: 1,
                         progress: progress) { trajectory.append($0) }
        return trajectory
    }
}
