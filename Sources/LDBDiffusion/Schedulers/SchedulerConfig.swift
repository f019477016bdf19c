import Foundation

/// The fields of diffusers' `scheduler_config.json` that DDIM reads, with `DDIMScheduler`'s defaults.
///
/// Fields of other schedulers (an SD 1.x folder ships a PNDM config with `skip_prk_steps`) are ignored,
/// as `DDIMScheduler.from_config` ignores them; `null` means the default.
public struct SchedulerConfig: Sendable, Equatable {
    /// How the betas of the training schedule are laid out.
    public enum BetaSchedule: String, Sendable, CaseIterable {
        case linear
        case scaledLinear = "scaled_linear"
        case squaredCosCapV2 = "squaredcos_cap_v2"
    }

    /// What the model predicts.
    public enum PredictionType: String, Sendable, CaseIterable {
        case epsilon
        case sample
        case vPrediction = "v_prediction"
    }

    /// How inference timesteps are picked from the training ones.
    public enum TimestepSpacing: String, Sendable, CaseIterable {
        case leading
        case trailing
        case linspace
    }

    /// `num_train_timesteps`.
    public var trainTimestepCount = 1000
    /// `beta_start`.
    public var betaStart = 0.0001
    /// `beta_end`.
    public var betaEnd = 0.02
    /// `beta_schedule`.
    public var betaSchedule = BetaSchedule.linear
    /// `trained_betas`: when present, the betas themselves, and `betaSchedule` is unused.
    public var trainedBetas: [Double]?
    /// `clip_sample`: clamp the predicted clean sample to `±clipSampleRange`.
    public var clipSample = true
    /// `clip_sample_range`.
    public var clipSampleRange = 1.0
    /// `set_alpha_to_one`: use 1 (rather than the first alpha) beyond the start of the schedule.
    public var setAlphaToOne = true
    /// `set_alpha_to_zero`, a deprecated name that `DDIMInverseScheduler` still reads in place of `setAlphaToOne`.
    public var setAlphaToZero: Bool?
    /// `steps_offset`, added to `leading` timesteps.
    public var stepsOffset = 0
    /// `prediction_type`.
    public var predictionType = PredictionType.epsilon
    /// `thresholding` (dynamic thresholding), which `DDIMScheduler` here refuses.
    public var thresholding = false
    /// `timestep_spacing`.
    public var timestepSpacing = TimestepSpacing.leading
    /// `rescale_betas_zero_snr`: rescale the betas so that the last timestep has zero signal.
    public var rescaleBetasZeroSNR = false

    /// A configuration with every field at diffusers' default.
    public init() {}

    /// Reads a `scheduler_config.json`.
    public init(contentsOf url: URL) throws(SchedulerError) {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .unreadableConfig(url, reason: "the file does not exist")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableConfig(url, reason: error.localizedDescription)
        }
        try self.init(json: data, source: url.path)
    }

    /// Parses the JSON of a `scheduler_config.json`; `source` names it in errors.
    public init(json: Data, source: String = "JSON") throws(SchedulerError) {
        do {
            self = try JSONDecoder().decode(SchedulerConfig.self, from: json)
        } catch let error as DecodingError {
            throw .invalidConfig(source: source, reason: Self.explain(error))
        } catch {
            throw .invalidConfig(source: source, reason: String(describing: error))
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func field(_ path: [CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            return "\(field(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? context.debugDescription
                : "\(field(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }
}

extension SchedulerConfig: Decodable {
    private enum CodingKeys: String, CodingKey {
        case trainTimestepCount = "num_train_timesteps"
        case betaStart = "beta_start"
        case betaEnd = "beta_end"
        case betaSchedule = "beta_schedule"
        case trainedBetas = "trained_betas"
        case clipSample = "clip_sample"
        case clipSampleRange = "clip_sample_range"
        case setAlphaToOne = "set_alpha_to_one"
        case setAlphaToZero = "set_alpha_to_zero"
        case stepsOffset = "steps_offset"
        case predictionType = "prediction_type"
        case thresholding
        case timestepSpacing = "timestep_spacing"
        case rescaleBetasZeroSNR = "rescale_betas_zero_snr"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, default fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        func choice<T: RawRepresentable & CaseIterable>(
            _ key: CodingKeys, default fallback: T
        ) throws -> T where T.RawValue == String {
            guard let raw = try container.decodeIfPresent(String.self, forKey: key) else { return fallback }
            guard let choice = T(rawValue: raw) else {
                let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\"\(raw)\" is not one of \(allowed)")
            }
            return choice
        }
        trainTimestepCount = try value(.trainTimestepCount, default: trainTimestepCount)
        betaStart = try value(.betaStart, default: betaStart)
        betaEnd = try value(.betaEnd, default: betaEnd)
        betaSchedule = try choice(.betaSchedule, default: betaSchedule)
        trainedBetas = try container.decodeIfPresent([Double].self, forKey: .trainedBetas)
        clipSample = try value(.clipSample, default: clipSample)
        clipSampleRange = try value(.clipSampleRange, default: clipSampleRange)
        setAlphaToOne = try value(.setAlphaToOne, default: setAlphaToOne)
        setAlphaToZero = try container.decodeIfPresent(Bool.self, forKey: .setAlphaToZero)
        stepsOffset = try value(.stepsOffset, default: stepsOffset)
        predictionType = try choice(.predictionType, default: predictionType)
        thresholding = try value(.thresholding, default: thresholding)
        timestepSpacing = try choice(.timestepSpacing, default: timestepSpacing)
        rescaleBetasZeroSNR = try value(.rescaleBetasZeroSNR, default: rescaleBetasZeroSNR)
    }
}
