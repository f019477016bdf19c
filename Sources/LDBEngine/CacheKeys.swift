import Crypto
import Foundation
import LDBDiffusion
import LDBDocument

/// The content keys of the engine's cache entries (docs/algorithm.md, "Caches and cost").
///
/// A key is `ldb-engine-<version>:<kind>:<SHA-256>` of a canonical JSON description (sorted keys, numbers as
/// Swift's shortest round-trip text) of everything the value depends on. The base key covers the model (its
/// fingerprint, the weights variant and precision, and the scheduler configuration) and the base parameters; a layer key covers
/// the base key, B and the layer's own parameters; a render key covers the base key, the finish, B and the
/// ordered layer keys. So a changed model, setting or layer gives new keys, and old entries are never hit.
/// Layer and render keys of region mode add the mode and the margin; full mode adds nothing, so its keys are
/// those made before region mode existed. The base trajectory and the base picture do not depend on the mode,
/// so both modes share them.
struct CacheKeys: Sendable {
    /// Bumped whenever what the engine computes for the same inputs changes.
    static let version = "ldb-engine-1"

    /// The model's identity: its files, which of their weights are loaded, and how its scheduler steps.
    private let model: ModelDescription

    /// - Parameter weightPrecision: how the networks keep their weights; half precision computes other numbers,
    ///   so it is part of the model's identity (float32 adds nothing to the description, so its keys are those
    ///   made before the option existed).
    init(modelFingerprint: String, variant: String?, weightPrecision: WeightPrecision = .float32,
         scheduler: SchedulerConfig) {
        self.init(identity: ModelIdentity(fingerprint: modelFingerprint, variant: variant, precision: weightPrecision),
                  scheduler: scheduler)
    }

    /// Keys for the model of `identity` (the CPU backend and float32 add nothing to the description, so their
    /// keys are those made before either could be chosen).
    init(identity: ModelIdentity, scheduler: SchedulerConfig) {
        model = ModelDescription(fingerprint: identity.fingerprint, variant: identity.variant,
                                 weights: Self.weightsDescription(identity.precision),
                                 backend: identity.backend == ModelIdentity.cpuBackend ? nil : identity.backend,
                                 scheduler: SchedulerDescription(scheduler))
    }

    /// How a precision other than float32 is described. bfloat16's second revision runs attention in bfloat16
    /// too (the first ran it in float32), so it computes other numbers and must not meet the first's entries.
    private static func weightsDescription(_ precision: WeightPrecision) -> String? {
        switch precision {
        case .float32: nil
        case .float16: precision.rawValue
        case .bfloat16: "\(precision.rawValue)-2"
        }
    }

    /// Key of the base trajectory Z[0...N]. A generated base depends on its prompt, negative prompt, guidance and
    /// seed; an inverted real image only on its pixels and the inversion prompt (it runs without guidance).
    func base(_ settings: ProjectSettings) -> String {
        let source: BaseDescription.Source = if let sha256 = settings.sourceImageSHA256 {
            .image(sourceSHA256: sha256, prompt: settings.prompt)
        } else {
            .generated(prompt: settings.prompt, negativePrompt: settings.negativePrompt,
                       guidance: number(settings.guidance), seed: String(settings.seed ?? 0))
        }
        return key("base", BaseDescription(
            model: model, width: settings.width, height: settings.height, steps: settings.steps, source: source))
    }

    /// Key of a layer's result R_k: the base, B, and the layer's own parameters (not its name, id, visibility
    /// or position in the stack).
    func layer(_ layer: Layer, baseKey: String, blendSteps: Int, region: RegionSetting = .full) -> String {
        key("layer", LayerDescription(
            base: baseKey, blendSteps: blendSteps, prompt: layer.prompt, negativePrompt: layer.negativePrompt,
            seed: String(layer.seed), regenSteps: layer.regenSteps, strength: number(layer.strength),
            guidance: number(layer.guidance), opacity: number(layer.opacity), feather: number(layer.feather),
            invert: layer.invert, maskSHA256: layer.maskSHA256, region: RegionDescription(region)))
    }

    /// Key of a final render: the base, the finish (prompt, negative prompt, guidance g0, B), the visible layers'
    /// keys bottom to top, and keep-background.
    func render(baseKey: String, settings: ProjectSettings, layerKeys: [String], keepBackground: Bool,
                region: RegionSetting = .full, previewDecoder: String? = nil) -> String {
        key("render", RenderDescription(
            base: baseKey, prompt: settings.prompt, negativePrompt: settings.negativePrompt,
            guidance: number(settings.guidance), blendSteps: settings.blendSteps, layers: layerKeys,
            keepBackground: keepBackground, region: RegionDescription(region), previewDecoder: previewDecoder))
    }

    /// Key of the decoded clean base latent decode(Z[N]), the background a generated project keeps.
    func baseImage(baseKey: String) -> String {
        key("base-image", ["base": baseKey])
    }

    /// Key of P0, decode(Z[N]) in [0, 1] before rounding, which region mode blends its windows into.
    func basePixels(baseKey: String, previewDecoder: String? = nil) -> String {
        key("base-pixels", ["base": baseKey, "previewDecoder": previewDecoder].compactMapValues { $0 })
    }

    /// Key of the first steps of a base trajectory that was interrupted: what a later render resumes from.
    func partialBase(baseKey: String) -> String {
        key("base-partial", ["base": baseKey])
    }

    private func key(_ kind: String, _ description: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only strings, integers, booleans, arrays and objects of them: encoding cannot fail.
        let json = (try? encoder.encode(description)) ?? Data()
        let digest = SHA256.hash(data: Data(Self.version.utf8) + Data(kind.utf8) + json)
        return "\(Self.version):\(kind):" + digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// Doubles are described by Swift's shortest round-trip text, which is the same on every platform.
private func number(_ value: Double) -> String {
    "\(value)"
}

private struct ModelDescription: Encodable, Sendable {
    let fingerprint: String
    let variant: String?
    /// The weight precision when it is not float32.
    let weights: String?
    /// The backend when it is not the CPU one.
    let backend: String?
    let scheduler: SchedulerDescription
}

/// The fields of `scheduler_config.json` that DDIM and inverse DDIM read, under diffusers' names.
private struct SchedulerDescription: Encodable, Sendable {
    let numTrainTimesteps: Int
    let betaStart: String
    let betaEnd: String
    let betaSchedule: String
    let trainedBetas: [String]?
    let clipSample: Bool
    let clipSampleRange: String
    let setAlphaToOne: Bool
    let setAlphaToZero: Bool?
    let stepsOffset: Int
    let predictionType: String
    let thresholding: Bool
    let timestepSpacing: String
    let rescaleBetasZeroSNR: Bool

    init(_ config: SchedulerConfig) {
        numTrainTimesteps = config.trainTimestepCount
        betaStart = number(config.betaStart)
        betaEnd = number(config.betaEnd)
        betaSchedule = config.betaSchedule.rawValue
        trainedBetas = config.trainedBetas?.map(number)
        clipSample = config.clipSample
        clipSampleRange = number(config.clipSampleRange)
        setAlphaToOne = config.setAlphaToOne
        setAlphaToZero = config.setAlphaToZero
        stepsOffset = config.stepsOffset
        predictionType = config.predictionType.rawValue
        thresholding = config.thresholding
        timestepSpacing = config.timestepSpacing.rawValue
        rescaleBetasZeroSNR = config.rescaleBetasZeroSNR
    }

    enum CodingKeys: String, CodingKey {
        case numTrainTimesteps = "num_train_timesteps", betaStart = "beta_start", betaEnd = "beta_end"
        case betaSchedule = "beta_schedule", trainedBetas = "trained_betas", clipSample = "clip_sample"
        case clipSampleRange = "clip_sample_range", setAlphaToOne = "set_alpha_to_one"
        case setAlphaToZero = "set_alpha_to_zero", stepsOffset = "steps_offset"
        case predictionType = "prediction_type", thresholding, timestepSpacing = "timestep_spacing"
        case rescaleBetasZeroSNR = "rescale_betas_zero_snr"
    }
}

private struct BaseDescription: Encodable {
    enum Source: Encodable {
        case generated(prompt: String, negativePrompt: String, guidance: String, seed: String)
        case image(sourceSHA256: String, prompt: String)
    }

    let model: ModelDescription
    let width: Int
    let height: Int
    let steps: Int
    let source: Source
}

private struct LayerDescription: Encodable {
    let base: String
    let blendSteps: Int
    let prompt: String
    let negativePrompt: String
    let seed: String
    let regenSteps: Int
    let strength: String
    let guidance: String
    let opacity: String
    let feather: String
    let invert: Bool
    let maskSHA256: String
    /// Nil in full mode (left out of the JSON, so full mode's keys are what they were before region mode).
    let region: RegionDescription?
}

/// Region mode and its margin; nil for full mode.
private struct RegionDescription: Encodable {
    let mode: String
    let margin: Int

    init?(_ setting: RegionSetting) {
        guard setting.mode != .full else { return nil }
        mode = setting.mode.rawValue
        margin = setting.margin
    }
}

private struct RenderDescription: Encodable {
    let base: String
    let prompt: String
    let negativePrompt: String
    let guidance: String
    let blendSteps: Int
    let layers: [String]
    let keepBackground: Bool
    let region: RegionDescription?
    /// The fingerprint of the preview decoder the picture was decoded with; nil for the model's VAE.
    let previewDecoder: String?
}
