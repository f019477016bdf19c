/// One row of the report: an edit measured with the engine, next to the alternative for the same state.
struct Scenario {
    var name: String
    var engine = Measurement()
    /// UNet calls of the alternative for this state (visible layers x N guided calls).
    var alternativeCalls = 0
    var alternativeSamples = 0
    /// Seconds of the alternative, measured or extrapolated.
    var alternativeSeconds = Double.nan
    /// Whether `alternativeSeconds` was extrapolated from one layer's run rather than measured.
    var alternativeEstimated = false

    /// The markdown row: scenario | LDB UNet calls | LDB seconds | alternative UNet calls | alternative seconds |
    /// call ratio | speed-up.
    var row: String {
        let engineSeconds = engine.medianSeconds
        let callRatio = engine.medianCalls == 0 ? "∞ (0 calls)" : ratio(Double(alternativeCalls) / engine.medianCalls)
        let alternative = (alternativeEstimated ? "≈ " : "") + seconds(alternativeSeconds)
        return "| \(name) | \(engine.workDescription) | \(seconds(engineSeconds)) | "
            + "\(alternativeCalls) (\(alternativeSamples)) | \(alternative) | \(callRatio) | "
            + "\(ratio(alternativeSeconds / engineSeconds)) |"
    }

    static let header = """
        | scenario | LDB UNet calls (samples) | LDB seconds | alternative UNet calls (samples) \
        | alternative seconds | call ratio | speed-up |
        | --- | --- | --- | --- | --- | --- | --- |
        """

    private func seconds(_ value: Double) -> String {
        value < 0.1 ? String(format: "%.4f", value) : String(format: "%.2f", value)
    }

    private func ratio(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f×", value) : String(format: "%.1f×", value)
    }
}
