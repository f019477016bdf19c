import Foundation
import LDBTensor

/// Stable Diffusion 1.x / 2.x as the layered-diffusion engine uses it: text conditioning, classifier-free-guided
/// DDIM sampling of a base trajectory, DDIM inversion of a real image, and the VAE on both ends.
///
/// Every computation follows `docs/algorithm.md` and diffusers' `StableDiffusionPipeline` step for step, in float32,
/// so that its latents match diffusers' within float32 rounding. The pipeline is built from small parts in the
/// manner of apple/ml-stable-diffusion; each part is public, so that a caller can run one step on its own.
///
/// ```swift
/// let pipeline = try StableDiffusionPipeline(model: ModelFolder(url: folder))
/// let trajectory = try pipeline.baseTrajectory(prompt: "a lighthouse", guidance: 7.5, seed: 1234,
///                                              steps: 50, width: 512, height: 512)
/// let image = try pipeline.decode(latent: trajectory[50])
/// ```
///
/// Copies of a pipeline share its `evaluationCounter`, which counts every UNet forward pass and VAE run.
public struct StableDiffusionPipeline: Sendable {
    /// The CLIP tokenizer of the model folder.
    public let tokenizer: CLIPTokenizer
    /// The CLIP text encoder.
    public let textEncoder: CLIPTextEncoder
    /// The noise-prediction network.
    public let unet: UNet2DConditionModel
    /// The VAE.
    public let autoencoder: AutoencoderKL
    /// `scheduler/scheduler_config.json`, from which every DDIM and inverse DDIM scheduler is made.
    public let schedulerConfig: SchedulerConfig
    /// The running count of UNet evaluations (and VAE runs) made by this pipeline and its copies.
    public private(set) var evaluationCounter: UNetEvaluationCounter

    /// The VAE's `scaling_factor` (0.18215 for Stable Diffusion 1.x and 2.x).
    public var scalingFactor: Float { autoencoder.configuration.scalingFactor }

    /// How many image pixels one latent pixel covers along each side (8 for Stable Diffusion).
    public var latentFactor: Int { autoencoder.configuration.downsamplingFactor }

    /// The channels of a latent: the UNet's input channels.
    public var latentChannels: Int { unet.configuration.inChannels }

    /// The memory a render at this canvas size needs beyond the loaded networks (docs/algorithm.md, "Memory").
    public func activationMemory(width: Int, height: Int) -> ActivationMemory? {
        ActivationMemory(pipeline: self, width: width, height: height)
    }

    /// This pipeline, the same networks, counting its work into `counter` (give the counter a parent to keep
    /// counting into this pipeline's too).
    public func counting(into counter: UNetEvaluationCounter) -> StableDiffusionPipeline {
        var copy = self
        copy.evaluationCounter = counter
        return copy
    }

    /// u = 2^(down blocks − 1): a latent's height and width that the UNet runs on are multiples of u (or the
    /// whole latent), so that every down block halves them exactly (docs/algorithm.md, "Region mode").
    public var unetSizeMultiple: Int { 1 << max(0, unet.configuration.downBlocks.count - 1) }

    /// Loads every component of a diffusers model folder.
    ///
    /// - Parameters:
    ///   - variant: a weight variant such as `"fp16"`. As in diffusers, a component that has no file of that
    ///     variant loads its default weights; at least one component must have it.
    ///   - precision: how every network keeps its weights in memory (see `WeightPrecision`).
    ///   - evaluationCounter: where to count UNet evaluations; pass a shared counter to total several pipelines.
    /// - Throws: the component's error (`ModelError`, `UNetError`, `SchedulerError`, `TokenizerError`) naming the
    ///   file or field at fault, or `PipelineError` when the variant is nowhere or the components do not fit.
    public init(model: ModelFolder, variant: String? = nil, precision: WeightPrecision = .float32,
                evaluationCounter: UNetEvaluationCounter = UNetEvaluationCounter()) throws {
        let componentsWithVariant = try Self.components(withVariant: variant, in: model)
        func weights(_ component: String) throws -> WeightsAtPrecision<SafeTensorsWeights> {
            try model.weights(component: component, variant: componentsWithVariant.contains(component) ? variant : nil)
                .at(precision)
        }
        try self.init(
            tokenizer: CLIPTokenizer(folder: model.tokenizerURL,
                                     textEncoderPositions: model.textEncoderConfiguration.maxPositionEmbeddings),
            textEncoder: CLIPTextEncoder(configuration: model.textEncoderConfiguration, weights: weights("text_encoder")),
            unet: UNet2DConditionModel(configuration: UNetConfiguration(contentsOf: model.unetConfigURL),
                                       weights: weights("unet")),
            autoencoder: AutoencoderKL(configuration: model.vaeConfiguration, weights: weights("vae")),
            schedulerConfig: SchedulerConfig(contentsOf: model.schedulerConfigURL),
            evaluationCounter: evaluationCounter)
    }

    /// Assembles a pipeline from loaded components.
    /// - Throws: `PipelineError.incompatibleComponents` when the text encoder's width is not the UNet's
    ///   `cross_attention_dim`, or the VAE's latent channels are not the UNet's.
    public init(tokenizer: CLIPTokenizer, textEncoder: CLIPTextEncoder, unet: UNet2DConditionModel,
                autoencoder: AutoencoderKL, schedulerConfig: SchedulerConfig,
                evaluationCounter: UNetEvaluationCounter = UNetEvaluationCounter()) throws {
        let unetConfiguration = unet.configuration
        guard unetConfiguration.crossAttentionDimension == textEncoder.configuration.hiddenSize else {
            throw PipelineError.incompatibleComponents(
                "unet cross_attention_dim \(unetConfiguration.crossAttentionDimension) is not "
                    + "text_encoder hidden_size \(textEncoder.configuration.hiddenSize)")
        }
        let latentChannels = autoencoder.configuration.latentChannels
        guard unetConfiguration.inChannels == latentChannels, unetConfiguration.outChannels == latentChannels else {
            throw PipelineError.incompatibleComponents(
                "unet in_channels \(unetConfiguration.inChannels) and out_channels \(unetConfiguration.outChannels) "
                    + "must both be vae latent_channels \(latentChannels)")
        }
        self.tokenizer = tokenizer
        self.textEncoder = textEncoder
        self.unet = unet
        self.autoencoder = autoencoder
        self.schedulerConfig = schedulerConfig
        self.evaluationCounter = evaluationCounter
    }

    /// The text encoder's last hidden state for `prompt`, padded or truncated to the tokenizer's 77 tokens:
    /// `[1, 77, hidden_size]`.
    public func textEmbeddings(_ prompt: String) throws -> Tensor {
        try textEncoder.encode([tokenizer.encode(prompt)])
    }

    /// The scaled latent of an image: the mean of the VAE's latent distribution times `scalingFactor`.
    ///
    /// - Parameter image: `[N, 3, H, W]` with values in [-1, 1]; H and W multiples of `latentFactor`.
    /// - Returns: `[N, 4, H / latentFactor, W / latentFactor]`.
    public func encode(image: Tensor) throws -> Tensor {
        let latent = try autoencoder.encode(image).mean * scalingFactor
        evaluationCounter.recordEncode()
        return latent
    }

    /// The image of a scaled latent: `vae.decode(latent / scalingFactor)`, `[N, 3, h·f, w·f]`, nominally in
    /// [-1, 1] and not clamped.
    public func decode(latent: Tensor) throws -> Tensor {
        let image = try autoencoder.decode(latent / scalingFactor)
        evaluationCounter.recordDecode(pixels: image.shape[0] * image.shape[2] * image.shape[3])
        return image
    }

    /// The weight-bearing components that have files of `variant`. As in diffusers' `from_pretrained(variant:)`,
    /// the others load their default weights; at least one component must have the variant.
    private static func components(withVariant variant: String?, in model: ModelFolder) throws -> Set<String> {
        guard let variant else { return [] }
        var found: Set<String> = []
        for component in ["text_encoder", "unet", "vae"] {
            do {
                _ = try model.weightFiles(component: component, variant: variant)
                found.insert(component)
            } catch .missingWeightFile {
                continue
            }
        }
        guard !found.isEmpty else { throw PipelineError.variantNotFound(variant, folder: model.url) }
        return found
    }
}
