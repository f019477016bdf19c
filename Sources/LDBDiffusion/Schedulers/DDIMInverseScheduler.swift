import LDBTensor

/// diffusers' `DDIMInverseScheduler`: DDIM run backwards, from a clean sample towards noise, for inversion.
///
/// Its timesteps are DDIM's in ascending order (`linspace` spacing is not offered, as in diffusers).
/// A step at timestep t moves the sample from the noise level of `t - num_train_timesteps / stepCount`
/// (the initial alpha when that is negative: 1 with `set_alpha_to_one`, else `alphas_cumprod[0]`;
/// a `set_alpha_to_zero` field overrides `set_alpha_to_one`, as diffusers reads it) to that of t.
public struct DDIMInverseScheduler: SingleStepScheduler {
    public let config: SchedulerConfig
    public let stepCount: Int
    /// `set_timesteps(stepCount)`, from cleanest to noisiest.
    public let timesteps: [Int]
    /// The training noise schedule.
    public let schedule: NoiseSchedule
    /// The cumulative alpha of the clean end of the schedule.
    public let initialAlphaCumprod: Float
    public var initNoiseSigma: Float { 1 }

    /// - Throws: `SchedulerError` for `linspace` spacing or a `stepCount` outside `1...num_train_timesteps`.
    public init(config: SchedulerConfig, stepCount: Int) throws(SchedulerError) {
        guard config.timestepSpacing != .linspace else {
            throw .unsupported(
                feature: "timestep_spacing \"linspace\"", reason: "DDIMInverseScheduler supports leading and trailing")
        }
        schedule = try NoiseSchedule(config: config)
        timesteps = try TimestepSchedule.descending(config: config, steps: stepCount).reversed()
        initialAlphaCumprod = (config.setAlphaToZero ?? config.setAlphaToOne) ? 1 : schedule.alphasCumprod[0]
        self.config = config
        self.stepCount = stepCount
    }

    /// diffusers' `DDIMInverseScheduler.step(output, timestep, sample).prev_sample`: the sample at `timestep`.
    public func step(output: Tensor, timestep: Int, sample: Tensor) throws(SchedulerError) -> Tensor {
        let train = config.trainTimestepCount
        guard let targetAlphaCumprod = schedule.alphaCumprod(at: timestep) else {
            throw .timestepOutOfRange(timestep, trainTimestepCount: train)
        }
        let sourceTimestep = min(timestep - train / stepCount, train - 1)
        let alphaCumprod: Float
        if sourceTimestep >= 0 {
            guard let alpha = schedule.alphaCumprod(at: sourceTimestep) else {
                throw .timestepOutOfRange(sourceTimestep, trainTimestepCount: train)
            }
            alphaCumprod = alpha
        } else {
            alphaCumprod = initialAlphaCumprod
        }
        return try DDIMUpdate.apply(
            output: output, sample: sample,
            alphaCumprod: alphaCumprod, targetAlphaCumprod: targetAlphaCumprod, config: config)
    }
}
