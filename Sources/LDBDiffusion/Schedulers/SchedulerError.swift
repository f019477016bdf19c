import Foundation

/// Why a scheduler could not be configured or could not take a step.
public enum SchedulerError: Error, CustomStringConvertible, Equatable {
    /// The configuration file could not be read.
    case unreadableConfig(URL, reason: String)
    /// The configuration is not valid JSON or has a field of the wrong type or value.
    case invalidConfig(source: String, reason: String)
    /// The configuration asks for a feature this implementation does not have.
    case unsupported(feature: String, reason: String)
    /// The number of inference steps is not in `1...trainTimestepCount`.
    case invalidStepCount(Int, trainTimestepCount: Int)
    /// A timestep lies outside the noise schedule.
    case timestepOutOfRange(Int, trainTimestepCount: Int)
    /// The model output and the sample have different shapes.
    case shapeMismatch(output: [Int], sample: [Int])

    public var description: String {
        switch self {
        case .unreadableConfig(let url, let reason):
            return "cannot read scheduler config \(url.path): \(reason)"
        case .invalidConfig(let source, let reason):
            return "scheduler config \(source) is not valid: \(reason)"
        case .unsupported(let feature, let reason):
            return "scheduler config uses \(feature), which is not supported: \(reason)"
        case .invalidStepCount(let steps, let train):
            return "cannot run \(steps) inference steps: the count must be from 1 to num_train_timesteps (\(train))"
        case .timestepOutOfRange(let timestep, let train):
            return "timestep \(timestep) is outside the noise schedule of \(train) training timesteps"
        case .shapeMismatch(let output, let sample):
            return "model output of shape \(output) does not match the sample's shape \(sample)"
        }
    }
}
