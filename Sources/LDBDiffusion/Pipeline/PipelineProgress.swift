/// Called after each UNet step of a pipeline run with the number of steps done (from 1) and the run's total,
/// so that a command line can draw a progress bar.
public typealias PipelineProgress = (_ completed: Int, _ total: Int) -> Void
