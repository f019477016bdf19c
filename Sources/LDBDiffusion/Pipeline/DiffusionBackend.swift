/// Everything a layered-diffusion engine needs of a latent diffusion model: its three networks behind the seams
/// (`TextConditioning`, `NoisePredicting`, `LatentCoding`), the scheduler configuration its DDIM schedulers are
/// made from, and a counter of the work its networks do.
///
/// `StableDiffusionPipeline` is the implementation that loads a model folder and runs the networks in Swift on the
/// CPU; another backend (a GPU, a remote inference server) conforms to this protocol and the engine runs on it
/// unchanged. A backend counts its own work into `evaluationCounter` (`recordUNet`, `recordDecode`,
/// `recordEncode`), so that renders report their cost whatever runs the networks.
public protocol DiffusionBackend: TextConditioning, NoisePredicting, LatentCoding {
    /// The scheduler configuration (`scheduler/scheduler_config.json` of a model folder).
    var schedulerConfig: SchedulerConfig { get }
    /// The channels of a latent (4 for Stable Diffusion).
    var latentChannels: Int { get }
    /// The running count of this backend's network work, shared by its copies.
    var evaluationCounter: UNetEvaluationCounter { get }
    /// This backend, the same networks, counting its work into `counter` (give the counter a parent to keep
    /// counting into this backend's too).
    func counting(into counter: UNetEvaluationCounter) -> Self
    /// What a render at this canvas size needs in memory beyond the loaded networks, or nil when the backend
    /// cannot say (the engine then skips its memory check; docs/algorithm.md, "Memory").
    func activationMemory(width: Int, height: Int) -> ActivationMemory?
}

extension DiffusionBackend {
    /// Unknown by default: a backend whose networks live elsewhere (a GPU, a server) does not spend this memory.
    public func activationMemory(width: Int, height: Int) -> ActivationMemory? { nil }

    /// The UNet evaluations made so far (see `evaluationCounter`).
    public var evaluations: UNetEvaluations { evaluationCounter.total }

    /// Everything the networks computed so far (see `evaluationCounter`).
    public var work: PipelineWork { evaluationCounter.work }

    /// The latent shape `[1, latentChannels, height / f, width / f]` of an image size.
    /// - Throws: `PipelineError.invalidImageSize` unless both sides are positive multiples of `latentFactor`.
    public func latentShape(width: Int, height: Int) throws -> [Int] {
        let factor = latentFactor
        guard width > 0, height > 0, width % factor == 0, height % factor == 0 else {
            throw PipelineError.invalidImageSize(width: width, height: height, latentFactor: factor)
        }
        return [1, latentChannels, height / factor, width / factor]
    }

    /// The DDIM timesteps tau[0..<N] of a run of `steps` steps, from noisiest to cleanest.
    public func timesteps(steps: Int) throws -> [Int] {
        try scheduler(steps: steps).timesteps
    }

    /// The DDIM scheduler for `steps` steps.
    public func scheduler(steps: Int) throws -> DDIMScheduler {
        try checkStepCount(steps)
        return try DDIMScheduler(config: schedulerConfig, stepCount: steps)
    }

    /// The inverse DDIM scheduler for `steps` steps.
    public func inverseScheduler(steps: Int) throws -> DDIMInverseScheduler {
        try checkStepCount(steps)
        return try DDIMInverseScheduler(config: schedulerConfig, stepCount: steps)
    }

    private func checkStepCount(_ steps: Int) throws {
        let allowed = 1...max(schedulerConfig.trainTimestepCount, 1)
        guard allowed.contains(steps) else { throw PipelineError.invalidStepCount(steps, allowed: allowed) }
    }
}
