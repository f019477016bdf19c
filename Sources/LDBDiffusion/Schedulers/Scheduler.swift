import LDBTensor

/// A sampler that walks a diffusion model's sample through a fixed list of timesteps, in the manner of
/// apple/ml-stable-diffusion's `Scheduler` and diffusers' `SchedulerMixin`.
///
/// A scheduler is built for one number of inference steps and never changes; `timesteps` is what diffusers'
/// `set_timesteps` produces. What one pass of sampling remembers from step to step (a multistep method's past
/// model outputs, as DPM-Solver++ 2M keeps them) lives in a `Run`, made fresh for each pass by `makeRun(indices:)`,
/// so that one scheduler serves any number of passes, one after another or at the same time.
public protocol Scheduler: Sendable {
    /// The state of one pass of sampling.
    associatedtype Run: SchedulerRun
    /// The configuration the scheduler was built from.
    var config: SchedulerConfig { get }
    /// The number of inference steps it was set up for.
    var stepCount: Int { get }
    /// The timesteps to evaluate the model at, in the order they are run.
    var timesteps: [Int] { get }
    /// The factor by which the initial noise is scaled.
    var initNoiseSigma: Float { get }
    /// A fresh pass over `timesteps[indices]`, in order (diffusers' `set_begin_index(indices.lowerBound)`).
    func makeRun(indices: Range<Int>) -> Run
}

/// One pass of sampling: the steps of a scheduler's timesteps taken in order, with whatever the scheduler
/// remembers between them.
public protocol SchedulerRun {
    /// The sample after the step at `timestep`, given the model's `output` for `sample` there: diffusers'
    /// `step(output, timestep, sample).prev_sample`.
    mutating func step(output: Tensor, timestep: Int, sample: Tensor) throws(SchedulerError) -> Tensor
}

/// A scheduler whose step needs only the model's output and the sample at hand (DDIM): its runs hold no state,
/// and it can take a step outside any run.
public protocol SingleStepScheduler: Scheduler where Run == SingleStepRun<Self> {
    /// The sample after one step, given the model's `output` for `sample` at `timestep`.
    func step(output: Tensor, timestep: Int, sample: Tensor) throws(SchedulerError) -> Tensor
}

extension SingleStepScheduler {
    public func makeRun(indices: Range<Int>) -> SingleStepRun<Self> {
        SingleStepRun(scheduler: self)
    }
}

/// A run of a `SingleStepScheduler`: each step is the scheduler's own.
public struct SingleStepRun<Stepper: SingleStepScheduler>: SchedulerRun {
    /// The scheduler whose steps the run takes.
    public let scheduler: Stepper

    public mutating func step(output: Tensor, timestep: Int, sample: Tensor) throws(SchedulerError) -> Tensor {
        try scheduler.step(output: output, timestep: timestep, sample: sample)
    }
}
