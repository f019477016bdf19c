import Foundation

/// The architecture of a Stable Diffusion 1.x / 2.x UNet, read from a diffusers `unet/config.json`.
///
/// Decoding normalises diffusers' "one value or one per block" fields into per-block lists and rejects, with an
/// error naming the field, every option this implementation does not run (inpainting and upscaler inputs, SDXL
/// added embeddings, class embeddings, LCM timestep conditioning, dual or cross-only attention, ...).
///
/// Fields read but without effect here: `sample_size` (any latent size runs), `dropout` (inference only),
/// `upcast_attention` (attention already runs in float32), and the fields diffusers itself passes only to block
/// types other than `CrossAttnDownBlock2D`, `DownBlock2D`, `UNetMidBlock2DCrossAttn`, `CrossAttnUpBlock2D` and
/// `UpBlock2D` (`resnet_out_scale_factor`, `resnet_skip_time_act`, `cross_attention_norm`,
/// `mid_block_only_cross_attention`).
public struct UNetConfiguration: Sendable, Equatable {
    /// Whether a down or up block interleaves cross-attention transformers with its ResNet blocks
    /// (`CrossAttnDownBlock2D` / `CrossAttnUpBlock2D`) or has ResNet blocks only (`DownBlock2D` / `UpBlock2D`).
    public enum BlockKind: Sendable, Equatable {
        case crossAttention
        case resnet
    }

    /// Channels of the latent the UNet reads (`in_channels`); always 4 here.
    public let inChannels: Int
    /// Channels of the prediction it writes (`out_channels`); always 4 here.
    public let outChannels: Int
    /// Output channels of each resolution level, finest first (`block_out_channels`).
    public let blockOutChannels: [Int]
    /// The kind of each down block, finest first (`down_block_types`).
    public let downBlocks: [BlockKind]
    /// The kind of each up block, coarsest first (`up_block_types`).
    public let upBlocks: [BlockKind]
    /// ResNet blocks per down block (`layers_per_block`); up blocks have one more.
    public let layersPerBlock: [Int]
    /// Attention heads per level, finest first. diffusers calls this `attention_head_dim` in SD configs, but it
    /// is the number of heads (`num_attention_heads = num_attention_heads or attention_head_dim`).
    public let attentionHeads: [Int]
    /// Width of the text-encoder states the cross-attention reads (`cross_attention_dim`).
    public let crossAttentionDimension: Int
    /// Transformer blocks inside each spatial transformer, per level (`transformer_layers_per_block`).
    public let transformerLayersPerBlock: [Int]
    /// GroupNorm groups of every ResNet block, spatial transformer and the output norm (`norm_num_groups`).
    public let normGroups: Int
    /// GroupNorm epsilon of the ResNet blocks and the output norm (`norm_eps`). The spatial transformers'
    /// GroupNorm uses diffusers' fixed 1e-6 and their LayerNorms 1e-5, whatever this says.
    public let normEpsilon: Float
    /// Whether the sinusoidal timestep embedding is laid out `cos, sin` rather than `sin, cos` (`flip_sin_to_cos`).
    public let flipSinToCos: Bool
    /// `downscale_freq_shift` of the timestep embedding (`freq_shift`).
    public let frequencyShift: Float
    /// Whether the spatial transformers project in and out with linear layers rather than 1×1 convolutions
    /// (`use_linear_projection`, SD 2.x).
    public let usesLinearProjection: Bool
    /// `upcast_attention` (SD 2.x); it changes nothing here because attention already runs in float32.
    public let upcastsAttention: Bool
    /// Padding of the stride-2 downsampling convolutions (`downsample_padding`): 1 on every side, or 0 for one row
    /// and column on the right and bottom only.
    public let downsamplePadding: Int
    /// The mid block's ResNet blocks divide their output by this (`mid_block_scale_factor`).
    public let midBlockScaleFactor: Float
    /// Kernel size of `conv_in` (`conv_in_kernel`).
    public let convInKernel: Int
    /// Kernel size of `conv_out` (`conv_out_kernel`).
    public let convOutKernel: Int
    /// Width of the timestep embedding after its MLP (`time_embedding_dim`, by default 4 × `block_out_channels[0]`).
    public let timeEmbeddingDimension: Int
    /// Where the configuration came from, for error messages.
    public let source: String

    /// Reads and checks a diffusers `unet/config.json`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw UNetError.unreadableConfiguration(file: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, source: url.path)
    }

    /// Decodes and checks the JSON text of a diffusers UNet configuration; `source` names it in errors.
    public init(data: Data, source: String = "unet/config.json") throws {
        do {
            let raw = try JSONDecoder().decode(RawUNetConfiguration.self, from: data)
            try self.init(raw: raw, source: source)
        } catch let error as UNetError {
            throw error.located(in: source)
        } catch let error as DecodingError {
            throw UNetError.unreadableConfiguration(file: source, reason: error.readableDescription)
        } catch {
            throw UNetError.unreadableConfiguration(file: source, reason: "\(error)")
        }
    }
}

extension UNetConfiguration: Decodable {
    /// Decodes and checks a configuration embedded in another decoder; errors name `unet/config.json`.
    public init(from decoder: any Decoder) throws {
        try self.init(raw: RawUNetConfiguration(from: decoder), source: "unet/config.json")
    }
}

extension UNetConfiguration {
    /// The number of resolution levels (down blocks).
    public var levels: Int { blockOutChannels.count }

    private init(raw: RawUNetConfiguration, source: String) throws {
        func unsupported(_ field: String, _ message: String) -> UNetError {
            .unsupportedConfiguration(file: source, field: field, message: message)
        }
        func invalid(_ field: String, _ message: String) -> UNetError {
            .invalidConfiguration(file: source, field: field, message: message)
        }

        if let className = raw.className, className != "UNet2DConditionModel" {
            throw unsupported("_class_name", "_class_name \"\(className)\" (only UNet2DConditionModel)")
        }
        try Self.rejectUnsupportedOptions(raw, unsupported)

        let channels = raw.blockOutChannels ?? [320, 640, 1280, 1280]
        let levels = channels.count
        guard levels > 0, channels.allSatisfy({ $0 > 0 }) else {
            throw invalid("block_out_channels", "block_out_channels \(channels) must be a non-empty list of positive counts")
        }
        let downTypes = raw.downBlockTypes
            ?? ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]
        let upTypes = raw.upBlockTypes
            ?? ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
        guard downTypes.count == levels else {
            throw invalid("down_block_types", "down_block_types has \(downTypes.count) entries but block_out_channels has \(levels)")
        }
        guard upTypes.count == levels else {
            throw invalid("up_block_types", "up_block_types has \(upTypes.count) entries but block_out_channels has \(levels)")
        }
        downBlocks = try downTypes.map { type in
            switch type {
            case "CrossAttnDownBlock2D": return .crossAttention
            case "DownBlock2D": return .resnet
            default: throw unsupported("down_block_types", "down block type \"\(type)\"")
            }
        }
        upBlocks = try upTypes.map { type in
            switch type {
            case "CrossAttnUpBlock2D": return .crossAttention
            case "UpBlock2D": return .resnet
            default: throw unsupported("up_block_types", "up block type \"\(type)\"")
            }
        }
        let midType = raw.midBlockType ?? "UNetMidBlock2DCrossAttn"
        guard midType == "UNetMidBlock2DCrossAttn" else {
            throw unsupported("mid_block_type", "mid_block_type \"\(midType ?? "null")\"")
        }

        func perLevel(_ value: ScalarOrList<Int>?, default defaultValue: Int, field: String) throws -> [Int] {
            let values = value?.values(count: levels) ?? Array(repeating: defaultValue, count: levels)
            guard values.count == levels else {
                throw invalid(field, "\(field) has \(values.count) entries but block_out_channels has \(levels)")
            }
            guard values.allSatisfy({ $0 > 0 }) else {
                throw invalid(field, "\(field) \(values) must be positive")
            }
            return values
        }
        layersPerBlock = try perLevel(raw.layersPerBlock, default: 2, field: "layers_per_block")
        // Absent, diffusers uses 8 heads; null leaves it without a head count.
        if case .some(.none) = raw.attentionHeadDim {
            throw invalid("attention_head_dim", "attention_head_dim (the number of attention heads) is null")
        }
        attentionHeads = try perLevel(raw.attentionHeadDim ?? nil, default: 8, field: "attention_head_dim")
        transformerLayersPerBlock = try perLevel(raw.transformerLayersPerBlock, default: 1,
                                                 field: "transformer_layers_per_block")
        let crossDimensions = try perLevel(raw.crossAttentionDim, default: 1280, field: "cross_attention_dim")
        guard Set(crossDimensions).count == 1 else {
            throw unsupported("cross_attention_dim", "cross_attention_dim \(crossDimensions) with a different width per block")
        }
        crossAttentionDimension = crossDimensions[0]

        // Every cross-attention level, and the mid block at the last level, splits its channels into heads.
        for level in 0..<levels {
            let hasAttention = downBlocks[level] == .crossAttention || upBlocks[levels - 1 - level] == .crossAttention
                || level == levels - 1
            guard !hasAttention || channels[level] % attentionHeads[level] == 0 else {
                throw invalid("attention_head_dim",
                              "attention_head_dim \(attentionHeads[level]) (heads) does not divide the \(channels[level]) channels of level \(level)")
            }
        }

        guard let groups = raw.normNumGroups else {
            throw unsupported("norm_num_groups", "norm_num_groups null (no GroupNorm)")
        }
        guard groups > 0 else { throw invalid("norm_num_groups", "norm_num_groups \(groups) must be positive") }
        // Every GroupNorm normalises one level's channels or two levels' joined, so this covers them all.
        if let level = channels.firstIndex(where: { $0 % groups != 0 }) {
            throw invalid("norm_num_groups", "norm_num_groups \(groups) does not divide the \(channels[level]) channels of level \(level)")
        }
        normGroups = groups
        normEpsilon = raw.normEps ?? 1e-5
        guard normEpsilon >= 0 else { throw invalid("norm_eps", "norm_eps \(normEpsilon) must not be negative") }

        inChannels = raw.inChannels ?? 4
        outChannels = raw.outChannels ?? 4
        guard inChannels == 4 else {
            let kind = inChannels == 9 ? "inpainting UNet" : inChannels == 7 ? "upscaler UNet" : "only 4-channel latents run here"
            throw unsupported("in_channels", "in_channels \(inChannels) (\(kind))")
        }
        guard outChannels == 4 else {
            throw unsupported("out_channels", "out_channels \(outChannels) (only 4-channel latents run here)")
        }
        blockOutChannels = channels
        flipSinToCos = raw.flipSinToCos ?? true
        frequencyShift = raw.freqShift ?? 0
        usesLinearProjection = raw.useLinearProjection ?? false
        upcastsAttention = raw.upcastAttention ?? false
        downsamplePadding = raw.downsamplePadding ?? 1
        // Wider padding makes the down path's sizes disagree with the up path's, in diffusers too.
        guard downsamplePadding == 0 || downsamplePadding == 1 else {
            throw unsupported("downsample_padding", "downsample_padding \(downsamplePadding) (only 0 or 1)")
        }
        midBlockScaleFactor = raw.midBlockScaleFactor ?? 1
        guard midBlockScaleFactor != 0, midBlockScaleFactor.isFinite else {
            throw invalid("mid_block_scale_factor", "mid_block_scale_factor \(midBlockScaleFactor) must be finite and non-zero")
        }
        convInKernel = raw.convInKernel ?? 3
        convOutKernel = raw.convOutKernel ?? 3
        for (field, kernel) in [("conv_in_kernel", convInKernel), ("conv_out_kernel", convOutKernel)] where kernel < 1 || kernel % 2 == 0 {
            throw invalid(field, "\(field) \(kernel) must be a positive odd size")
        }
        timeEmbeddingDimension = raw.timeEmbeddingDim ?? 4 * channels[0]
        guard timeEmbeddingDimension > 0 else {
            throw invalid("time_embedding_dim", "time_embedding_dim \(timeEmbeddingDimension) must be positive")
        }
        self.source = source
    }

    /// Throws for every option that changes the network into one this implementation does not run.
    private static func rejectUnsupportedOptions(
        _ raw: RawUNetConfiguration, _ unsupported: (String, String) -> UNetError
    ) throws {
        if let type = raw.additionEmbedType {
            let sdxl = type == "text_time" ? " (SDXL)" : ""
            let width = raw.crossAttentionDim.map { "cross_attention_dim \($0.description) with " } ?? ""
            throw unsupported("addition_embed_type", "\(width)addition_embed_type \"\(type)\"\(sdxl)")
        }
        if let type = raw.classEmbedType {
            throw unsupported("class_embed_type", "class_embed_type \"\(type)\"")
        }
        if let count = raw.numClassEmbeds {
            throw unsupported("num_class_embeds", "num_class_embeds \(count) (class-conditioned UNet)")
        }
        if let width = raw.timeCondProjDim {
            throw unsupported("time_cond_proj_dim", "time_cond_proj_dim \(width) (LCM guidance embedding)")
        }
        if let type = raw.encoderHidDimType {
            throw unsupported("encoder_hid_dim_type", "encoder_hid_dim_type \"\(type)\"")
        }
        if let width = raw.encoderHidDim {
            throw unsupported("encoder_hid_dim", "encoder_hid_dim \(width) (projected encoder states)")
        }
        if let heads = raw.numAttentionHeads {
            throw unsupported("num_attention_heads", "num_attention_heads \(heads.description) (diffusers rejects it too; heads come from attention_head_dim)")
        }
        if raw.reverseTransformerLayersPerBlock {
            throw unsupported("reverse_transformer_layers_per_block", "reverse_transformer_layers_per_block (asymmetric UNet)")
        }
        if let onlyCross = raw.onlyCrossAttention, onlyCross.contains(true) {
            throw unsupported("only_cross_attention", "only_cross_attention \(onlyCross.description)")
        }
        if raw.dualCrossAttention == true {
            throw unsupported("dual_cross_attention", "dual_cross_attention true")
        }
        if let type = raw.timeEmbeddingType, type != "positional" {
            throw unsupported("time_embedding_type", "time_embedding_type \"\(type)\"")
        }
        if let function = raw.timeEmbeddingActFn {
            throw unsupported("time_embedding_act_fn", "time_embedding_act_fn \"\(function)\"")
        }
        if let function = raw.timestepPostAct {
            throw unsupported("timestep_post_act", "timestep_post_act \"\(function)\"")
        }
        if let function = raw.actFn, function != "silu", function != "swish" {
            throw unsupported("act_fn", "act_fn \"\(function)\" (only silu)")
        }
        if let shift = raw.resnetTimeScaleShift, shift != "default" {
            throw unsupported("resnet_time_scale_shift", "resnet_time_scale_shift \"\(shift)\"")
        }
        if raw.centerInputSample == true {
            throw unsupported("center_input_sample", "center_input_sample true")
        }
        if let type = raw.attentionType, type != "default" {
            throw unsupported("attention_type", "attention_type \"\(type)\" (GLIGEN)")
        }
    }
}

/// A field diffusers accepts either as one value for every block or as a list with one value per block.
private enum ScalarOrList<Element: Decodable & Equatable & Sendable>: Decodable, Equatable, Sendable {
    case scalar(Element)
    case list([Element])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Element.self) {
            self = .scalar(value)
        } else {
            self = .list(try container.decode([Element].self))
        }
    }

    /// One value per block: the scalar repeated `count` times, or the list as it is.
    func values(count: Int) -> [Element] {
        switch self {
        case .scalar(let value): return Array(repeating: value, count: count)
        case .list(let values): return values
        }
    }

    func contains(_ element: Element) -> Bool {
        values(count: 1).contains(element)
    }

    var description: String {
        switch self {
        case .scalar(let value): return "\(value)"
        case .list(let values): return "\(values)"
        }
    }
}

/// `unet/config.json` as diffusers writes it; every field optional, as diffusers fills in defaults.
private struct RawUNetConfiguration: Decodable {
    var className: String?
    var inChannels: Int?
    var outChannels: Int?
    var blockOutChannels: [Int]?
    var downBlockTypes: [String]?
    var upBlockTypes: [String]?
    var midBlockType: String??
    var layersPerBlock: ScalarOrList<Int>?
    var attentionHeadDim: ScalarOrList<Int>??
    var numAttentionHeads: ScalarOrList<Int>?
    var crossAttentionDim: ScalarOrList<Int>?
    var transformerLayersPerBlock: ScalarOrList<Int>?
    var reverseTransformerLayersPerBlock: Bool
    var normNumGroups: Int?
    var normEps: Float?
    var flipSinToCos: Bool?
    var freqShift: Float?
    var useLinearProjection: Bool?
    var upcastAttention: Bool?
    var downsamplePadding: Int?
    var midBlockScaleFactor: Float?
    var convInKernel: Int?
    var convOutKernel: Int?
    var timeEmbeddingDim: Int?
    var additionEmbedType: String?
    var classEmbedType: String?
    var numClassEmbeds: Int?
    var timeCondProjDim: Int?
    var encoderHidDim: Int?
    var encoderHidDimType: String?
    var onlyCrossAttention: ScalarOrList<Bool>?
    var dualCrossAttention: Bool?
    var timeEmbeddingType: String?
    var timeEmbeddingActFn: String?
    var timestepPostAct: String?
    var actFn: String?
    var resnetTimeScaleShift: String?
    var centerInputSample: Bool?
    var attentionType: String?

    enum CodingKeys: String, CodingKey {
        case className = "_class_name"
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case blockOutChannels = "block_out_channels"
        case downBlockTypes = "down_block_types"
        case upBlockTypes = "up_block_types"
        case midBlockType = "mid_block_type"
        case layersPerBlock = "layers_per_block"
        case attentionHeadDim = "attention_head_dim"
        case numAttentionHeads = "num_attention_heads"
        case crossAttentionDim = "cross_attention_dim"
        case transformerLayersPerBlock = "transformer_layers_per_block"
        case reverseTransformerLayersPerBlock = "reverse_transformer_layers_per_block"
        case normNumGroups = "norm_num_groups"
        case normEps = "norm_eps"
        case flipSinToCos = "flip_sin_to_cos"
        case freqShift = "freq_shift"
        case useLinearProjection = "use_linear_projection"
        case upcastAttention = "upcast_attention"
        case downsamplePadding = "downsample_padding"
        case midBlockScaleFactor = "mid_block_scale_factor"
        case convInKernel = "conv_in_kernel"
        case convOutKernel = "conv_out_kernel"
        case timeEmbeddingDim = "time_embedding_dim"
        case additionEmbedType = "addition_embed_type"
        case classEmbedType = "class_embed_type"
        case numClassEmbeds = "num_class_embeds"
        case timeCondProjDim = "time_cond_proj_dim"
        case encoderHidDim = "encoder_hid_dim"
        case encoderHidDimType = "encoder_hid_dim_type"
        case onlyCrossAttention = "only_cross_attention"
        case dualCrossAttention = "dual_cross_attention"
        case timeEmbeddingType = "time_embedding_type"
        case timeEmbeddingActFn = "time_embedding_act_fn"
        case timestepPostAct = "timestep_post_act"
        case actFn = "act_fn"
        case resnetTimeScaleShift = "resnet_time_scale_shift"
        case centerInputSample = "center_input_sample"
        case attentionType = "attention_type"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        className = try container.decodeIfPresent(String.self, forKey: .className)
        inChannels = try container.decodeIfPresent(Int.self, forKey: .inChannels)
        outChannels = try container.decodeIfPresent(Int.self, forKey: .outChannels)
        blockOutChannels = try container.decodeIfPresent([Int].self, forKey: .blockOutChannels)
        downBlockTypes = try container.decodeIfPresent([String].self, forKey: .downBlockTypes)
        upBlockTypes = try container.decodeIfPresent([String].self, forKey: .upBlockTypes)
        // Absent means diffusers' default; an explicit null means "no mid block" (likewise for attention_head_dim).
        if container.contains(.midBlockType) {
            midBlockType = .some(try container.decodeIfPresent(String.self, forKey: .midBlockType))
        } else {
            midBlockType = nil
        }
        layersPerBlock = try container.decodeIfPresent(ScalarOrList<Int>.self, forKey: .layersPerBlock)
        attentionHeadDim = try container.contains(.attentionHeadDim)
            ? .some(container.decodeIfPresent(ScalarOrList<Int>.self, forKey: .attentionHeadDim)) : nil
        numAttentionHeads = try container.decodeIfPresent(ScalarOrList<Int>.self, forKey: .numAttentionHeads)
        crossAttentionDim = try container.decodeIfPresent(ScalarOrList<Int>.self, forKey: .crossAttentionDim)
        if (try? container.decodeIfPresent([[Int]].self, forKey: .transformerLayersPerBlock)) != nil {
            throw UNetError.unsupportedConfiguration(
                file: "unet/config.json", field: "transformer_layers_per_block",
                message: "transformer_layers_per_block with a list per block (asymmetric UNet)")
        }
        transformerLayersPerBlock = try container.decodeIfPresent(ScalarOrList<Int>.self, forKey: .transformerLayersPerBlock)
        reverseTransformerLayersPerBlock = try container.contains(.reverseTransformerLayersPerBlock)
            && !container.decodeNil(forKey: .reverseTransformerLayersPerBlock)
        normNumGroups = try container.decodeIfPresent(Int.self, forKey: .normNumGroups)
        normEps = try container.decodeIfPresent(Float.self, forKey: .normEps)
        flipSinToCos = try container.decodeIfPresent(Bool.self, forKey: .flipSinToCos)
        freqShift = try container.decodeIfPresent(Float.self, forKey: .freqShift)
        useLinearProjection = try container.decodeIfPresent(Bool.self, forKey: .useLinearProjection)
        upcastAttention = try container.decodeIfPresent(Bool.self, forKey: .upcastAttention)
        downsamplePadding = try container.decodeIfPresent(Int.self, forKey: .downsamplePadding)
        midBlockScaleFactor = try container.decodeIfPresent(Float.self, forKey: .midBlockScaleFactor)
        convInKernel = try container.decodeIfPresent(Int.self, forKey: .convInKernel)
        convOutKernel = try container.decodeIfPresent(Int.self, forKey: .convOutKernel)
        timeEmbeddingDim = try container.decodeIfPresent(Int.self, forKey: .timeEmbeddingDim)
        additionEmbedType = try container.decodeIfPresent(String.self, forKey: .additionEmbedType)
        classEmbedType = try container.decodeIfPresent(String.self, forKey: .classEmbedType)
        numClassEmbeds = try container.decodeIfPresent(Int.self, forKey: .numClassEmbeds)
        timeCondProjDim = try container.decodeIfPresent(Int.self, forKey: .timeCondProjDim)
        encoderHidDim = try container.decodeIfPresent(Int.self, forKey: .encoderHidDim)
        encoderHidDimType = try container.decodeIfPresent(String.self, forKey: .encoderHidDimType)
        onlyCrossAttention = try container.decodeIfPresent(ScalarOrList<Bool>.self, forKey: .onlyCrossAttention)
        dualCrossAttention = try container.decodeIfPresent(Bool.self, forKey: .dualCrossAttention)
        timeEmbeddingType = try container.decodeIfPresent(String.self, forKey: .timeEmbeddingType)
        timeEmbeddingActFn = try container.decodeIfPresent(String.self, forKey: .timeEmbeddingActFn)
        timestepPostAct = try container.decodeIfPresent(String.self, forKey: .timestepPostAct)
        actFn = try container.decodeIfPresent(String.self, forKey: .actFn)
        resnetTimeScaleShift = try container.decodeIfPresent(String.self, forKey: .resnetTimeScaleShift)
        centerInputSample = try container.decodeIfPresent(Bool.self, forKey: .centerInputSample)
        attentionType = try container.decodeIfPresent(String.self, forKey: .attentionType)
    }
}

extension DecodingError {
    /// A one-line account of what was wrong and where, e.g. `block_out_channels[1]: expected Int`.
    fileprivate var readableDescription: String {
        func path(_ context: Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "top level" : String(path.drop { $0 == "." })
        }
        switch self {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type) (\(context.debugDescription))"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing \(key.stringValue)"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(self)"
        }
    }
}
