import Foundation

/// The prediction type a checkpoint's `__metadata__` states, from the keys tools write:
/// - `modelspec.prediction_type` (Stability's model spec): `epsilon`, or `v` / `v_prediction`;
/// - `modelspec.architecture`: `stable-diffusion-v2-768-v` (v-prediction) or another SD name (epsilon);
/// - `ss_v_parameterization` (kohya's trainers): `True` for v-prediction.
enum PredictionTypeMetadata {
    /// The stated prediction type, or `nil` when the metadata says nothing about it.
    static func predictionType(in metadata: [String: String], file: URL) throws(SingleFileError) -> SchedulerConfig.PredictionType? {
        if let value = metadata["modelspec.prediction_type"] {
            switch value.lowercased() {
            case "epsilon", "eps": return .epsilon
            case "v", "v_prediction", "v-prediction", "velocity": return .vPrediction
            default: throw .invalidPredictionMetadata(file, key: "modelspec.prediction_type", value: value)
            }
        }
        if let architecture = metadata["modelspec.architecture"], architecture.hasPrefix("stable-diffusion-v") {
            return architecture.hasSuffix("-v") ? .vPrediction : .epsilon
        }
        if let flag = metadata["ss_v_parameterization"] {
            switch flag.lowercased() {
            case "true": return .vPrediction
            case "false": return .epsilon
            default: throw .invalidPredictionMetadata(file, key: "ss_v_parameterization", value: flag)
            }
        }
        return nil
    }
}
