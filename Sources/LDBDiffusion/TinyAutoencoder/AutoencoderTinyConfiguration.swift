import Foundation

/// The fields of a diffusers `AutoencoderTiny` configuration (TAESD's `config.json`).
///
/// TAESD itself (`madebyollin/taesd`) is diffusers' default: 64 channels everywhere, encoder blocks (1, 3, 3, 3),
/// decoder blocks (3, 3, 3, 1), ReLU, nearest 2× upsampling, scaling factor 1. `latent_magnitude` and
/// `latent_shift` are ignored: diffusers uses them only to quantise latents to 8 bits in `forward()`, never in
/// `encode` or `decode`; so are `force_upcast` and `block_out_channels` (a copy of the decoder's channels).
public struct AutoencoderTinyConfiguration: Sendable, Equatable {
    /// The channels of the image the encoder reads (`in_channels`).
    public var inChannels: Int
    /// The channels of the decoded image (`out_channels`).
    public var outChannels: Int
    /// The channels of the latent (`latent_channels`).
    public var latentChannels: Int
    /// The channels of every encoder level (`encoder_block_out_channels`, one equal entry per level).
    public var encoderChannels: Int
    /// The residual blocks of each encoder level; each level after the first starts with a stride-2 convolution
    /// (`num_encoder_blocks`).
    public var encoderBlockCounts: [Int]
    /// The channels of every decoder level (`decoder_block_out_channels`, one equal entry per level).
    public var decoderChannels: Int
    /// The residual blocks of each decoder level; each level but the last ends in a nearest 2× upsampling and a
    /// convolution (`num_decoder_blocks`).
    public var decoderBlockCounts: [Int]
    /// The factor a pipeline multiplies encoded latents by and divides latents by before decoding
    /// (`scaling_factor`; 1 for TAESD, whose latents are the diffusion model's latents as they are).
    public var scalingFactor: Float

    /// A configuration from its values; the defaults are TAESD's.
    public init(inChannels: Int = 3, outChannels: Int = 3, latentChannels: Int = 4, encoderChannels: Int = 64,
                encoderBlockCounts: [Int] = [1, 3, 3, 3], decoderChannels: Int = 64,
                decoderBlockCounts: [Int] = [3, 3, 3, 1], scalingFactor: Float = 1) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.latentChannels = latentChannels
        self.encoderChannels = encoderChannels
        self.encoderBlockCounts = encoderBlockCounts
        self.decoderChannels = decoderChannels
        self.decoderBlockCounts = decoderBlockCounts
        self.scalingFactor = scalingFactor
    }

    /// Decodes and validates a `config.json`, using diffusers' defaults for absent fields.
    /// - Throws: `ModelError` naming the field that is malformed or that asks for something not implemented here.
    public init(_ file: ConfigurationFile) throws(ModelError) {
        if file.contains("_class_name") {
            guard try file.string("_class_name") == "AutoencoderTiny" else {
                throw file.unsupported("_class_name", reason: "a tiny autoencoder (AutoencoderTiny) is expected")
            }
        }
        inChannels = try file.positiveInteger("in_channels", default: 3)
        outChannels = try file.positiveInteger("out_channels", default: 3)
        latentChannels = try file.positiveInteger("latent_channels", default: 4)
        encoderBlockCounts = try Self.blockCounts(file, "num_encoder_blocks", default: [1, 3, 3, 3])
        decoderBlockCounts = try Self.blockCounts(file, "num_decoder_blocks", default: [3, 3, 3, 1])
        encoderChannels = try Self.channels(file, "encoder_block_out_channels", levels: encoderBlockCounts.count,
                                            countField: "num_encoder_blocks")
        decoderChannels = try Self.channels(file, "decoder_block_out_channels", levels: decoderBlockCounts.count,
                                            countField: "num_decoder_blocks")
        let scaling = try file.number("scaling_factor", default: 1)
        guard scaling > 0, scaling.isFinite else {
            throw .invalidField(file.url, field: "scaling_factor", expected: "a positive number", found: String(scaling))
        }
        scalingFactor = Float(scaling)
        guard try file.number("shift_factor", default: 0) == 0 else {
            throw file.unsupported("shift_factor", reason: "latents with a shift are not supported")
        }
        for (field, supported) in [("act_fn", "relu"), ("upsample_fn", "nearest")] {
            guard try file.string(field, default: supported) == supported else {
                throw file.unsupported(field, reason: "only \(supported) is supported")
            }
        }
        guard try file.integer("upsampling_scaling_factor", default: 2) == 2 else {
            throw file.unsupported("upsampling_scaling_factor", reason: "only 2 is supported")
        }
    }

    /// How many times the decoder doubles the latent's height and width (8 for TAESD).
    public var upsamplingFactor: Int {
        1 << (decoderBlockCounts.count - 1)
    }

    /// How many times the encoder halves the image's height and width, rounding up (8 for TAESD).
    public var downsamplingFactor: Int {
        1 << (encoderBlockCounts.count - 1)
    }

    /// A non-empty list of block counts, none negative.
    private static func blockCounts(_ file: ConfigurationFile, _ field: String, default defaultValue: [Int]) throws(ModelError) -> [Int] {
        let counts = try file.integers(field, default: defaultValue)
        guard !counts.isEmpty, counts.allSatisfy({ $0 >= 0 }) else {
            throw .invalidField(file.url, field: field, expected: "a non-empty list of block counts (0 or more)",
                                found: file.value(field)?.summary ?? "[]")
        }
        return counts
    }

    /// The one channel count of a `*_block_out_channels` list: diffusers' encoder and decoder convolutions keep the
    /// channel count of the level they are in, so they only run when every level has the same.
    private static func channels(_ file: ConfigurationFile, _ field: String, levels: Int, countField: String) throws(ModelError) -> Int {
        let channels = try file.integers(field, default: [64, 64, 64, 64])
        guard channels.count == levels else {
            throw .invalidField(file.url, field: field, expected: "\(levels) entries, one per \(countField) entry",
                                found: "\(channels.count)")
        }
        guard let first = channels.first, first > 0, channels.allSatisfy({ $0 == first }) else {
            throw .invalidField(file.url, field: field, expected: "one positive channel count repeated for every level",
                                found: file.value(field)?.summary ?? "[]")
        }
        return first
    }
}
