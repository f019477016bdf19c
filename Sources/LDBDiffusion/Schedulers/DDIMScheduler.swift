import LDBTensor

/// diffusers' `DDIMScheduler` with `eta = 0` (deterministic DDIM), denoising from the noisiest timestep.
public struct DDIMScheduler: SingleStepScheduler {
    public let config: SchedulerConfig
    public let stepCount: Int
    /// `set_timesteps(stepCount)`, from noisiest to cleanest.
    public let timesteps: [Int]
    /// The training noise schedule.
    public let schedule: NoiseSchedule
    /// The cumulative alpha used after the last timestep: 1 with `set_alpha_to_one`, else `alphas_cumprod[0]`.
    public let finalAlphaCumprod: Float
    public var initNoiseSigma: Float { 1 }

    /// - Throws: `SchedulerError` when `config` asks for thresholding or `stepCount` is not in
    ///   `1...num_train_timesteps`.
    public init(config: SchedulerConfig, stepCount: Int) throws(SchedulerError) {
        guard !config.thresholding else {
            throw .unsupported(
                feature: "thresholding",
                reason: "dynamic thresholding is meant for pixel-space models; set \"thresholding\": false")
        }
        schedule = try NoiseSchedule(config: config)
        timesteps = try TimestepSchedule.descending(config: config, steps: stepCount)
        finalAlphaCumprod = config.setAlphaToOne ? 1 : schedule.alphasCumprod[0]
        self.config = config
        self.stepCount = stepCount
    }

    /// diffusers' `step(output, timestep, sample, eta=0).prev_sample`: the sample at
    /// `timestep - num_train_timesteps / stepCount` (or the clean end of the schedule when that is negative).
    public func step(output: Tensor, timestep: Int, sample: Tensor) throws(SchedulerError) -> Tensor {
        guard let alphaCumprod = schedule.alphaCumprod(at: timestep) else {
            throw .timestepOutOfRange(timestep, trainTimestepCount: config.trainTimestepCount)
        }
        let previousTimestep = timestep - config.trainTimestepCount / stepCount
        let previousAlphaCumprod: Float
        if previousTimestep >= 0 {
            guard let alpha = schedule.alphaCumprod(at: previousTimestep) else {
                throw .timestepOutOfRange(previousTimestep, trainTimestepCount: config.trainTimestepCount)
            }
            previousAlphaCumprod = alpha
        } else {
            previousAlphaCumprod = finalAlphaCumprod
        }
        return try DDIMUpdate.apply(
            output: output, sample: sample,
            alphaCumprod: alphaCumprod, targetAlphaCumprod: previousAlphaCumprod, config: config)
    }
}
