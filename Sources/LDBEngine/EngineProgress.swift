/// Called after each unit of a render's work: `stage` names it ("base", "inversion", "layer <name>", "finish",
/// "decode"), and `completed` counts from 1 to `total` within that stage.
public typealias EngineProgress = @Sendable (_ stage: String, _ completed: Int, _ total: Int) -> Void
