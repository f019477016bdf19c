import Foundation

/// A Stable Diffusion model wherever its files are — a diffusers folder (also a Hugging Face cache snapshot) or
/// a single-file checkpoint — loading each network only when asked, so a tool that needs one piece (a probe of
/// the VAE, say) does not pay for the others.
public struct StableDiffusionModel: Sendable {
    enum Storage: Sendable {
        case folder(ModelFolder)
        case checkpoint(SingleFileCheckpoint)
    }

    let storage: Storage

    /// Opens the model at `location`.
    /// - Parameters:
    ///   - prediction: what the UNet predicts, for a single-file checkpoint whose file does not say (SD 2.x
    ///     checkpoints come both ways). A diffusers folder's scheduler config always says, so there it must agree
    ///     with the folder or be nil.
    ///   - configurationFolder: for a single-file checkpoint, a diffusers folder whose configs and tokenizer
    ///     describe it where its shapes cannot (as diffusers' `from_single_file(config:)`); its weights are not read.
    /// - Throws: the folder's or the checkpoint's errors; `ModelLoadingError.predictionConflict` when
    ///   `prediction` contradicts a folder's scheduler config, `.configurationForFolder` when a configuration
    ///   folder is given for a folder.
    public init(location: ModelLocation, prediction: SchedulerConfig.PredictionType? = nil,
                configurationFolder: URL? = nil) throws {
        switch location {
        case .folder(let url):
            if configurationFolder != nil { throw ModelLoadingError.configurationForFolder(url) }
            let folder = try ModelFolder(url: url)
            if let prediction {
                let configured = try SchedulerConfig(contentsOf: folder.schedulerConfigURL).predictionType
                guard configured == prediction else {
                    throw ModelLoadingError.predictionConflict(url, configured: configured, requested: prediction)
                }
            }
            storage = .folder(folder)
        case .singleFile(let url):
            storage = .checkpoint(
                try SingleFileCheckpoint(url: url, prediction: prediction, configurationFolder: configurationFolder))
        }
    }

    /// The tokenizer: the folder's, or the checkpoint's (CLIP's vocabulary shipped with ldb).
    public func tokenizer() throws -> CLIPTokenizer {
        switch storage {
        case .folder(let folder):
            try CLIPTokenizer(folder: folder.tokenizerURL,
                              textEncoderPositions: folder.textEncoderConfiguration.maxPositionEmbeddings)
        case .checkpoint(let checkpoint): checkpoint.tokenizer
        }
    }

    /// The text encoder, from the weights `variant` (such as "fp16") where the folder has it, kept at `precision`.
    public func textEncoder(variant: String? = nil, precision: WeightPrecision = .float32) throws -> CLIPTextEncoder {
        switch storage {
        case .folder(let folder): return try folder.textEncoder(variant: variant, precision: precision)
        case .checkpoint(let checkpoint):
            try Self.refuse(variant, for: checkpoint)
            return try checkpoint.textEncoder(precision: precision)
        }
    }

    /// The UNet, from the weights `variant` where the folder has it, kept at `precision`.
    public func unet(variant: String? = nil, precision: WeightPrecision = .float32) throws -> UNet2DConditionModel {
        switch storage {
        case .folder(let folder): return try folder.unet(variant: variant, precision: precision)
        case .checkpoint(let checkpoint):
            try Self.refuse(variant, for: checkpoint)
            return try checkpoint.unet(precision: precision)
        }
    }

    /// The VAE, from the weights `variant` where the folder has it, kept at `precision`.
    public func autoencoder(variant: String? = nil, precision: WeightPrecision = .float32) throws -> AutoencoderKL {
        switch storage {
        case .folder(let folder): return try folder.autoencoder(variant: variant, precision: precision)
        case .checkpoint(let checkpoint):
            try Self.refuse(variant, for: checkpoint)
            return try checkpoint.autoencoder(precision: precision)
        }
    }

    /// Every network together, ready to sample, invert and decode, with the weights kept at `precision`.
    public func pipeline(variant: String? = nil, precision: WeightPrecision = .float32,
                         evaluationCounter: UNetEvaluationCounter = UNetEvaluationCounter()) throws -> StableDiffusionPipeline {
        switch storage {
        case .folder(let folder):
            return try StableDiffusionPipeline(model: folder, variant: variant, precision: precision,
                                               evaluationCounter: evaluationCounter)
        case .checkpoint(let checkpoint):
            try Self.refuse(variant, for: checkpoint)
            return try StableDiffusionPipeline(checkpoint: checkpoint, precision: precision,
                                               evaluationCounter: evaluationCounter)
        }
    }

    private static func refuse(_ variant: String?, for checkpoint: SingleFileCheckpoint) throws {
        if let variant { throw ModelLoadingError.variantOfSingleFile(checkpoint.url, variant: variant) }
    }
}

/// Why a model could not be opened as asked.
public enum ModelLoadingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A prediction type was given for a folder whose scheduler config says another.
    case predictionConflict(URL, configured: SchedulerConfig.PredictionType, requested: SchedulerConfig.PredictionType)
    /// A weights variant was asked of a single-file checkpoint, which has one set of weights.
    case variantOfSingleFile(URL, variant: String)
    /// A configuration folder was given for a model that is a folder itself.
    case configurationForFolder(URL)

    public var description: String {
        switch self {
        case let .predictionConflict(url, configured, requested):
            "\(url.path): the scheduler config says prediction type \(configured.rawValue), not \(requested.rawValue)"
        case let .variantOfSingleFile(url, variant):
            "\(url.path) is a single-file checkpoint: it has no \"\(variant)\" variant"
        case let .configurationForFolder(url):
            "\(url.path) is a diffusers folder with its own configs: a configuration folder is only for single-file checkpoints"
        }
    }
}
