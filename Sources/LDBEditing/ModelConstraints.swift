import Foundation
import LDBDiffusion
import LDBDocument

/// What a project's model allows beyond `ParameterBounds`, read from its configuration files (cheap: no
/// weights are loaded), so that a command refuses settings the engine could not render.
public struct ModelConstraints: Sendable {
    /// The model, opened (configs read, weight files located) but not loaded.
    public let model: StableDiffusionModel
    public let scheduler: SchedulerConfig

    /// Opens the model at `location` with the prediction type a project records for it.
    /// - Throws: `EditingError.notAModel` with the model's own explanation (a missing file, a malformed
    ///   config, a prediction type that contradicts the folder's scheduler).
    public init(location: ModelLocation, predictionType: SchedulerConfig.PredictionType?) throws {
        do {
            model = try StableDiffusionModel(location: location, prediction: predictionType)
            scheduler = try model.schedulerConfig
        } catch {
            throw EditingError.notAModel(location: location.url.path, reason: String(describing: error))
        }
    }

    /// The constraints of a project's recorded model, or nil when the model is not here (a project can be
    /// edited while its model is elsewhere; the render then says the model is missing).
    public static func ofProject(_ reference: ModelReference) -> ModelConstraints? {
        guard let location = try? ModelLocation.resolve(reference.location) else { return nil }
        let prediction = reference.predictionType.flatMap(SchedulerConfig.PredictionType.init(rawValue:))
        return try? ModelConstraints(location: location, predictionType: prediction)
    }

    /// Checks that the base trajectory (generated, or inverted for a real image: a project without a seed) can
    /// be run with `settings.steps`: every timestep of the schedule lies inside the training schedule. Steps
    /// outside `ParameterBounds.steps` are left to the document, which refuses them with its own message.
    /// - Throws: `EditingError.stepsOutsideSchedule`.
    public func check(_ settings: ProjectSettings) throws {
        let steps = settings.steps
        guard ParameterBounds.steps.contains(steps) else { return }
        let train = scheduler.trainTimestepCount
        do {
            let timesteps = try DDIMScheduler(config: scheduler, stepCount: steps).timesteps
            if settings.seed == nil {
                _ = try DDIMInverseScheduler(config: scheduler, stepCount: steps)
            }
            if let outside = timesteps.first(where: { !(0..<train).contains($0) }) {
                throw EditingError.stepsOutsideSchedule(
                    steps: steps, reason: "timestep \(outside) is outside the model's \(train) training timesteps "
                        + "(0...\(train - 1))")
            }
        } catch let error as EditingError {
            throw error
        } catch {
            throw EditingError.stepsOutsideSchedule(steps: steps, reason: String(describing: error))
        }
    }

    /// How many of `prompt`'s tokens the text encoder does not see, or 0 (or when the tokenizer cannot be read).
    public func droppedTokenCount(_ prompt: String) -> Int {
        guard let tokenizer = try? model.tokenizer() else { return 0 }
        return tokenizer.droppedTokenCount(prompt)
    }

    /// A warning for each of `prompts` (named by their option) longer than the text encoder sees.
    public func promptWarnings(_ prompts: [(option: String, text: String?)]) -> [String] {
        guard let tokenizer = try? model.tokenizer() else { return [] }
        return prompts.compactMap { option, text in
            guard let text else { return nil }
            let dropped = tokenizer.droppedTokenCount(text)
            guard dropped > 0 else { return nil }
            return "warning: \(option) is longer than the \(tokenizer.maxLength - 2) tokens the text encoder sees; "
                + "the last \(dropped) token\(dropped == 1 ? " is" : "s are") dropped"
        }
    }
}
