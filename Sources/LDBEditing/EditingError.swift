/// Settings the document accepts but the project's model could not render, found at the command that sets them.
public enum EditingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The model at `location` cannot be opened; `reason` says why.
    case notAModel(location: String, reason: String)
    /// The scheduler's schedule cannot be cut into `steps` steps.
    case stepsOutsideSchedule(steps: Int, reason: String)

    public var description: String {
        switch self {
        case let .notAModel(location, reason):
            "\(location) is not a model ldb can use: \(reason)"
        case let .stepsOutsideSchedule(steps, reason):
            "steps \(steps) cannot be rendered with this model: \(reason)"
        }
    }
}
