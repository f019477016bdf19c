import Foundation
import LDBTensor

/// A Stable Diffusion 1.x / 2.x checkpoint in one `.safetensors` file with the original LDM key layout
/// (`model.diffusion_model.*`, `first_stage_model.*`, `cond_stage_model.*`), as most fine-tunes are shared.
///
/// Opening reads only the header. The family and the architecture come from the tensor names and shapes
/// (see `LDMArchitecture` for what each value is read from); the weights are read in place through `WeightSource`
/// adapters that translate the names the diffusers networks ask for into LDM names, splitting OpenCLIP's fused
/// attention projections and reshaping the VAE's 1×1-convolution attention weights on the way.
///
/// ```swift
/// let checkpoint = try SingleFileCheckpoint(url: file, prediction: .vPrediction)
/// let pipeline = try StableDiffusionPipeline(checkpoint: checkpoint)
/// ```
public struct SingleFileCheckpoint: Sendable {
    /// The Stable Diffusion generation a checkpoint belongs to, told by its text encoder.
    public enum Family: String, Sendable {
        /// OpenAI CLIP ViT-L/14 text encoder (`cond_stage_model.transformer.*`).
        case sd1 = "SD 1.x"
        /// OpenCLIP ViT-H/14 text encoder (`cond_stage_model.model.*`).
        case sd2 = "SD 2.x"
    }

    /// The file.
    public let url: URL
    /// The family.
    public let family: Family
    /// The header's `__metadata__`.
    public let metadata: [String: String]
    /// The UNet's architecture.
    public let unetConfiguration: UNetConfiguration
    /// The VAE's architecture.
    public let vaeConfiguration: VAEConfiguration
    /// The text encoder's architecture (for SD 2.x, without the last OpenCLIP layer, which SD 2 skips).
    public let textEncoderConfiguration: TextEncoderConfiguration
    /// The DDIM configuration the pipeline samples with.
    public let schedulerConfig: SchedulerConfig
    /// The tokenizer.
    public let tokenizer: CLIPTokenizer

    private let file: SafeTensorsFile
    private let textEncoderLayout: LDMTextEncoderLayout

    /// Opens a checkpoint.
    ///
    /// - Parameters:
    ///   - url: the `.safetensors` file.
    ///   - prediction: what the UNet predicts. When `nil`, it is read from the file's metadata
    ///     (`modelspec.prediction_type`, `modelspec.architecture`, `ss_v_parameterization`), then from
    ///     `configurationFolder`'s scheduler; failing those, SD 1.x is `epsilon` and SD 2.x is an error, as its
    ///     checkpoints exist in both kinds.
    ///   - configurationFolder: a diffusers model folder (as diffusers' `from_single_file(config:)`) whose
    ///     `unet/config.json`, `vae/config.json`, `text_encoder/config.json`, `scheduler/scheduler_config.json`
    ///     and `tokenizer/` replace what would be read from the shapes and SD's defaults. Its weights are not read.
    ///   - tokenizer: the tokenizer to use; by default the folder's, else CLIP's vocabulary shipped in this
    ///     package, padded with `<|endoftext|>` (SD 1.x) or `!` (SD 2.x).
    /// - Throws: `SingleFileError` for a file that is not an SD 1.x / 2.x checkpoint (SDXL, LoRA, another model)
    ///   or whose prediction type is unknown, and the configuration types' errors for a bad configuration folder.
    public init(url: URL, prediction: SchedulerConfig.PredictionType? = nil, configurationFolder: URL? = nil,
                tokenizer: CLIPTokenizer? = nil) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SingleFileError.unreadable(url, reason: "the file does not exist")
        }
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw SingleFileError.unreadable(url, reason: String(describing: error))
        }
        var shapes: [String: [Int]] = [:]
        for name in file.tensorNames {
            shapes[name] = try? file.info(name).shape
        }
        let architecture = try LDMArchitecture(url: url, shapes: shapes)
        let family: Family = architecture.isSD2 ? .sd2 : .sd1

        // Settled first, so that a missing prediction type is reported before any architecture problem.
        let predictionType = try prediction ?? PredictionTypeMetadata.predictionType(in: file.metadata, file: url)
        if predictionType == nil, configurationFolder == nil, family == .sd2 {
            throw SingleFileError.unknownPredictionType(url, family: family.rawValue)
        }

        var scheduler = Self.stableDiffusionScheduler
        var folderTokenizer: CLIPTokenizer?
        if let folder = configurationFolder {
            func config(_ path: String, _ role: String) throws(ModelError) -> ConfigurationFile {
                try ConfigurationFile(contentsOf: folder.appendingPathComponent(path), role: role)
            }
            unetConfiguration = try UNetConfiguration(contentsOf: folder.appendingPathComponent("unet/config.json"))
            vaeConfiguration = try VAEConfiguration(config("vae/config.json", "VAE configuration"))
            textEncoderConfiguration = try TextEncoderConfiguration(config("text_encoder/config.json", "text encoder configuration"))
            scheduler = try SchedulerConfig(contentsOf: folder.appendingPathComponent("scheduler/scheduler_config.json"))
            let tokenizerFolder = folder.appendingPathComponent("tokenizer")
            if tokenizer == nil, FileManager.default.fileExists(atPath: tokenizerFolder.path) {
                folderTokenizer = try CLIPTokenizer(
                    folder: tokenizerFolder, textEncoderPositions: textEncoderConfiguration.maxPositionEmbeddings)
            }
        } else {
            unetConfiguration = try architecture.unetConfiguration()
            vaeConfiguration = try architecture.vaeConfiguration()
            textEncoderConfiguration = try architecture.textEncoderConfiguration()
        }

        if let predictionType { scheduler.predictionType = predictionType }
        self.url = url
        self.family = family
        self.metadata = file.metadata
        self.file = file
        self.textEncoderLayout = architecture.textEncoderLayout
        self.schedulerConfig = scheduler
        self.tokenizer = try tokenizer ?? folderTokenizer
            ?? CLIPTokenizer.builtIn(padToken: family == .sd2 ? "!" : "<|endoftext|>")
    }

    /// DDIM as Stable Diffusion 1.x and 2.x ship it: scaled-linear betas 0.00085…0.012 over 1000 steps,
    /// `steps_offset` 1, `leading` spacing, `set_alpha_to_one` false, no sample clipping, epsilon prediction.
    public static var stableDiffusionScheduler: SchedulerConfig {
        var config = SchedulerConfig()
        config.betaStart = 0.00085
        config.betaEnd = 0.012
        config.betaSchedule = .scaledLinear
        config.clipSample = false
        config.setAlphaToOne = false
        config.stepsOffset = 1
        config.timestepSpacing = .leading
        config.predictionType = .epsilon
        return config
    }

    /// The UNet's weights, under the names `UNet2DConditionModel` asks for.
    public var unetWeights: LDMWeights {
        let layout = LDMUNetLayout(configuration: unetConfiguration)
        return LDMWeights(component: "UNet", file: file) { layout.location(of: $0) }
    }

    /// The VAE's weights, under the names `AutoencoderKL` asks for.
    public var vaeWeights: LDMWeights {
        let layout = LDMVAELayout(levels: vaeConfiguration.blockOutChannels.count)
        return LDMWeights(component: "VAE", file: file) { layout.location(of: $0) }
    }

    /// The text encoder's weights, under the names `CLIPTextEncoder` asks for.
    public var textEncoderWeights: LDMWeights {
        let layout = textEncoderLayout
        return LDMWeights(component: "text encoder", file: file) { layout.location(of: $0) }
    }

    /// The UNet, with its weights loaded and kept at `precision`.
    public func unet(precision: WeightPrecision = .float32) throws -> UNet2DConditionModel {
        try UNet2DConditionModel(configuration: unetConfiguration, weights: unetWeights.at(precision))
    }

    /// The VAE, with its weights loaded and kept at `precision`.
    public func autoencoder(precision: WeightPrecision = .float32) throws -> AutoencoderKL {
        try AutoencoderKL(configuration: vaeConfiguration, weights: vaeWeights.at(precision))
    }

    /// The text encoder, with its weights loaded and kept at `precision`.
    public func textEncoder(precision: WeightPrecision = .float32) throws -> CLIPTextEncoder {
        try CLIPTextEncoder(configuration: textEncoderConfiguration, weights: textEncoderWeights.at(precision))
    }
}
