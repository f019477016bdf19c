import Foundation

/// The fields of a diffusers `AutoencoderKL` configuration (`vae/config.json`).
///
/// `force_upcast` and `sample_size` are ignored: everything runs in float32 at any size.
public struct VAEConfiguration: Sendable, Equatable {
    /// The channels of the image (`in_channels`).
    public var inChannels: Int
    /// The channels of the decoded image (`out_channels`).
    public var outChannels: Int
    /// The channels of the latent (`latent_channels`).
    public var latentChannels: Int
    /// The output channels of each encoder block; the decoder walks them in reverse (`block_out_channels`).
    public var blockOutChannels: [Int]
    /// The ResNet blocks of each encoder block; decoder blocks have one more (`layers_per_block`).
    public var layersPerBlock: Int
    /// The groups of every group norm (`norm_num_groups`).
    public var normGroupCount: Int
    /// The factor the pipeline multiplies encoder latents by (`scaling_factor`); decoding takes latents divided by it.
    public var scalingFactor: Float
    /// Whether the encoder and decoder mid blocks have their self-attention (`mid_block_add_attention`).
    public var midBlockAttention: Bool
    /// Whether the encoder's moments pass through the 1×1 `quant_conv` (`use_quant_conv`).
    public var usesQuantConv: Bool
    /// Whether latents pass through the 1×1 `post_quant_conv` before decoding (`use_post_quant_conv`).
    public var usesPostQuantConv: Bool

    /// A configuration from its values.
    public init(inChannels: Int = 3, outChannels: Int = 3, latentChannels: Int = 4, blockOutChannels: [Int],
                layersPerBlock: Int, normGroupCount: Int, scalingFactor: Float = 0.18215,
                midBlockAttention: Bool = true, usesQuantConv: Bool = true, usesPostQuantConv: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.latentChannels = latentChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.normGroupCount = normGroupCount
        self.scalingFactor = scalingFactor
        self.midBlockAttention = midBlockAttention
        self.usesQuantConv = usesQuantConv
        self.usesPostQuantConv = usesPostQuantConv
    }

    /// Decodes and validates a `config.json`, using diffusers' defaults for absent fields.
    public init(_ file: ConfigurationFile) throws(ModelError) {
        if file.contains("_class_name") {
            guard try file.string("_class_name") == "AutoencoderKL" else {
                throw file.unsupported("_class_name", reason: "only AutoencoderKL is supported")
            }
        }
        inChannels = try file.positiveInteger("in_channels", default: 3)
        outChannels = try file.positiveInteger("out_channels", default: 3)
        latentChannels = try file.positiveInteger("latent_channels", default: 4)
        blockOutChannels = try file.integers("block_out_channels", default: [64])
        guard !blockOutChannels.isEmpty, blockOutChannels.allSatisfy({ $0 > 0 }) else {
            throw .invalidField(file.url, field: "block_out_channels", expected: "a non-empty list of positive integers",
                                found: file.value("block_out_channels")?.summary ?? "[]")
        }
        layersPerBlock = try file.positiveInteger("layers_per_block", default: 1)
        let groups = try file.positiveInteger("norm_num_groups", default: 32)
        if let channels = blockOutChannels.first(where: { $0 % groups != 0 }) {
            throw .invalidField(file.url, field: "norm_num_groups", expected: "a divisor of every block_out_channels entry",
                                found: "\(groups), which does not divide \(channels)")
        }
        normGroupCount = groups
        let scaling = try file.number("scaling_factor", default: 0.18215)
        guard scaling > 0, scaling.isFinite else {
            throw .invalidField(file.url, field: "scaling_factor", expected: "a positive number", found: String(scaling))
        }
        scalingFactor = Float(scaling)
        midBlockAttention = try file.boolean("mid_block_add_attention", default: true)
        usesQuantConv = try file.boolean("use_quant_conv", default: true)
        usesPostQuantConv = try file.boolean("use_post_quant_conv", default: true)

        let activation = try file.string("act_fn", default: "silu")
        guard activation == "silu" || activation == "swish" else {
            throw file.unsupported("act_fn", reason: "only silu is supported")
        }
        let downBlocks = try file.strings("down_block_types", default: ["DownEncoderBlock2D"])
        let upBlocks = try file.strings("up_block_types", default: ["UpDecoderBlock2D"])
        for (field, blocks, supported) in [("down_block_types", downBlocks, "DownEncoderBlock2D"),
                                           ("up_block_types", upBlocks, "UpDecoderBlock2D")] {
            guard blocks.allSatisfy({ $0 == supported }) else {
                throw file.unsupported(field, reason: "only \(supported) blocks are supported")
            }
            guard blocks.count == blockOutChannels.count else {
                throw .invalidField(file.url, field: field, expected: "\(blockOutChannels.count) entries, one per block_out_channels",
                                    found: "\(blocks.count)")
            }
        }
        if file.contains("shift_factor") {
            throw file.unsupported("shift_factor", reason: "latents with a shift (SD 3, Flux) are not supported")
        }
        for field in ["latents_mean", "latents_std"] where file.contains(field) {
            throw file.unsupported(field, reason: "per-channel latent statistics are not supported")
        }
    }

    /// How many times the encoder halves the image's height and width (8 for Stable Diffusion).
    public var downsamplingFactor: Int {
        1 << (blockOutChannels.count - 1)
    }
}
