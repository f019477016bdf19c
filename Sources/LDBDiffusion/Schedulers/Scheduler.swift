import LDBTensor

/// A sampler that walks a diffusion model's sample through a fixed list of timesteps, in the manner of
/// apple/ml-stable-diffusion's `Scheduler` and diffusers' `SchedulerMixin`.
///
/// A scheduler is built for one number of inference steps; `timesteps` is what diffusers'
/// `set_timesteps` produces, and `step` is diffusers' `step(...).prev_sample`.
public protocol Scheduler: Sendable {
    /// The configuration the scheduler was built from.
    var config: SchedulerConfig { get }
    /// The number of inference steps it was set up for.
    var stepCount: Int { get }
    /// The timesteps to evaluate the model at, in the order they are run.
    var timesteps: [Int] { get }
    /// The factor by which the initial noise is scaled.
    var initNoiseSigma: Float { get }
    /// The sample after one step, given the model's `output` for `sample` at `timestep`.
    func step(output: Tensor, timestep: Int, sample: Tensor) throws(SchedulerError) -> Tensor
}
