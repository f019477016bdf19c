import Foundation
import Testing
@testable import LDBDiffusion

/// Decoding `unet/config.json`: the fields SD 1.x and 2.x use, diffusers' defaults and naming quirks, and a clear
/// error for every architecture the UNet does not run.
@Suite struct UNetConfigurationTests {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    private static func configURL(_ model: String) -> URL {
        fixtures.appendingPathComponent("models/\(model)/unet/config.json")
    }

    /// The tiny-sd1 configuration with the fields of the JSON object `changes` replaced or added.
    private static func tinySD1(_ changes: String) throws -> Data {
        func object(_ data: Data) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let fields = try object(Data(contentsOf: configURL("tiny-sd1")))
            .merging(object(Data(changes.utf8))) { _, new in new }
        return try JSONSerialization.data(withJSONObject: fields)
    }

    @Test func decodesTinySD1() throws {
        let configuration = try UNetConfiguration(contentsOf: Self.configURL("tiny-sd1"))
        #expect(configuration.blockOutChannels == [8, 16, 24])
        #expect(configuration.downBlocks == [.crossAttention, .crossAttention, .resnet])
        #expect(configuration.upBlocks == [.resnet, .crossAttention, .crossAttention])
        #expect(configuration.attentionHeads == [4, 4, 4])
        #expect(configuration.layersPerBlock == [2, 2, 2])
        #expect(configuration.transformerLayersPerBlock == [1, 1, 1])
        #expect(configuration.crossAttentionDimension == 32)
        #expect(configuration.normGroups == 4)
        #expect(configuration.normEpsilon == 1e-5)
        #expect(configuration.timeEmbeddingDimension == 32)
        #expect(configuration.flipSinToCos && configuration.frequencyShift == 0)
        #expect(!configuration.usesLinearProjection && !configuration.upcastsAttention)
        #expect(configuration.source == Self.configURL("tiny-sd1").path)
    }

    @Test func decodesTinySD2WithHeadsPerBlock() throws {
        let configuration = try UNetConfiguration(contentsOf: Self.configURL("tiny-sd2"))
        #expect(configuration.attentionHeads == [2, 4, 4])
        #expect(configuration.usesLinearProjection && configuration.upcastsAttention)
    }

    /// The UNet part of runwayml/stable-diffusion-v1-5 and stabilityai/stable-diffusion-2-1 as published
    /// (fields diffusers fills in left out, as in those files).
    @Test func decodesPublishedStableDiffusionConfigurations() throws {
        let sd15 = """
        {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.6.0", "act_fn": "silu",
         "attention_head_dim": 8, "block_out_channels": [320, 640, 1280, 1280], "center_input_sample": false,
         "cross_attention_dim": 768, "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
         "CrossAttnDownBlock2D", "DownBlock2D"], "downsample_padding": 1, "flip_sin_to_cos": true, "freq_shift": 0,
         "in_channels": 4, "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-05,
         "norm_num_groups": 32, "out_channels": 4, "sample_size": 64, "up_block_types": ["UpBlock2D",
         "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]}
        """
        let v15 = try UNetConfiguration(data: Data(sd15.utf8))
        #expect(v15.attentionHeads == [8, 8, 8, 8])
        #expect(v15.crossAttentionDimension == 768)
        #expect(v15.timeEmbeddingDimension == 1280)
        #expect(v15.levels == 4)
        #expect(!v15.usesLinearProjection)

        let sd21 = """
        {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.10.0.dev0", "act_fn": "silu",
         "attention_head_dim": [5, 10, 20, 20], "block_out_channels": [320, 640, 1280, 1280],
         "center_input_sample": false, "cross_attention_dim": 1024, "down_block_types": ["CrossAttnDownBlock2D",
         "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"], "downsample_padding": 1,
         "dual_cross_attention": false, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4,
         "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 32,
         "num_class_embeds": null, "only_cross_attention": false, "out_channels": 4, "sample_size": 96,
         "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
         "upcast_attention": true, "use_linear_projection": true}
        """
        let v21 = try UNetConfiguration(data: Data(sd21.utf8))
        #expect(v21.attentionHeads == [5, 10, 20, 20])
        #expect(v21.crossAttentionDimension == 1024)
        #expect(v21.usesLinearProjection && v21.upcastsAttention)
    }

    /// Fields left out take diffusers' defaults.
    @Test func appliesDiffusersDefaults() throws {
        let configuration = try UNetConfiguration(data: Data("""
            {"block_out_channels": [8, 16], "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "norm_num_groups": 4}
            """.utf8))
        #expect(configuration.attentionHeads == [8, 8])
        #expect(configuration.layersPerBlock == [2, 2])
        #expect(configuration.transformerLayersPerBlock == [1, 1])
        #expect(configuration.crossAttentionDimension == 1280)
        #expect(configuration.timeEmbeddingDimension == 32)
        #expect(configuration.inChannels == 4 && configuration.outChannels == 4)
        #expect(configuration.normEpsilon == 1e-5 && configuration.flipSinToCos && configuration.frequencyShift == 0)
        #expect(configuration.downsamplePadding == 1 && configuration.midBlockScaleFactor == 1)
        #expect(configuration.convInKernel == 3 && configuration.convOutKernel == 3)
        #expect(!configuration.usesLinearProjection && !configuration.upcastsAttention)
    }

    @Test func decodesAsPartOfAnotherDocument() throws {
        struct Wrapper: Decodable { let unet: UNetConfiguration }
        let unet = try String(contentsOf: Self.configURL("tiny-sd2"), encoding: .utf8)
        let wrapper = try JSONDecoder().decode(Wrapper.self, from: Data("{\"unet\": \(unet)}".utf8))
        #expect(wrapper.unet.attentionHeads == [2, 4, 4])
    }

    @Test(arguments: [
        (#"{"in_channels": 9}"#, "in_channels 9 (inpainting UNet) is not supported"),
        (#"{"in_channels": 7}"#, "in_channels 7 (upscaler UNet) is not supported"),
        (#"{"out_channels": 8}"#, "out_channels 8"),
        (#"{"cross_attention_dim": 2048, "addition_embed_type": "text_time"}"#,
         "cross_attention_dim 2048 with addition_embed_type \"text_time\" (SDXL) is not supported"),
        (#"{"class_embed_type": "timestep"}"#, "class_embed_type \"timestep\" is not supported"),
        (#"{"num_class_embeds": 1000}"#, "num_class_embeds 1000"),
        (#"{"time_cond_proj_dim": 256}"#, "time_cond_proj_dim 256"),
        (#"{"encoder_hid_dim": 1024}"#, "encoder_hid_dim 1024"),
        (#"{"encoder_hid_dim_type": "text_proj"}"#, "encoder_hid_dim_type \"text_proj\""),
        (#"{"only_cross_attention": true}"#, "only_cross_attention true"),
        (#"{"only_cross_attention": [false, true, false]}"#, "only_cross_attention [false, true, false]"),
        (#"{"dual_cross_attention": true}"#, "dual_cross_attention true"),
        (#"{"num_attention_heads": 8}"#, "num_attention_heads 8"),
        (#"{"resnet_time_scale_shift": "scale_shift"}"#, "resnet_time_scale_shift \"scale_shift\""),
        (#"{"time_embedding_type": "fourier"}"#, "time_embedding_type \"fourier\""),
        (#"{"time_embedding_act_fn": "silu"}"#, "time_embedding_act_fn \"silu\""),
        (#"{"timestep_post_act": "silu"}"#, "timestep_post_act \"silu\""),
        (#"{"act_fn": "gelu"}"#, "act_fn \"gelu\""),
        (#"{"center_input_sample": true}"#, "center_input_sample true"),
        (#"{"attention_type": "gated"}"#, "attention_type \"gated\""),
        (#"{"transformer_layers_per_block": [[1, 2], [1, 2], [1, 2]]}"#, "transformer_layers_per_block with a list per block"),
        (#"{"reverse_transformer_layers_per_block": [[1], [1], [1]]}"#, "reverse_transformer_layers_per_block"),
        (#"{"mid_block_type": "UNetMidBlock2DSimpleCrossAttn"}"#, "mid_block_type \"UNetMidBlock2DSimpleCrossAttn\""),
        (#"{"mid_block_type": null}"#, "mid_block_type \"null\""),
        (#"{"down_block_types": ["CrossAttnDownBlock2D", "AttnDownBlock2D", "DownBlock2D"]}"#, "down block type \"AttnDownBlock2D\""),
        (#"{"up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D"]}"#, "up block type \"SimpleCrossAttnUpBlock2D\""),
        (#"{"cross_attention_dim": [32, 32, 64]}"#, "cross_attention_dim [32, 32, 64] with a different width per block"),
        (#"{"_class_name": "UNet2DModel"}"#, "_class_name \"UNet2DModel\""),
        (#"{"norm_num_groups": null}"#, "norm_num_groups null"),
        (#"{"downsample_padding": 2}"#, "downsample_padding 2 (only 0 or 1)"),
    ])
    func rejectsUnsupportedArchitectures(changes: String, message: String) throws {
        let data = try Self.tinySD1(changes)
        let error = #expect(throws: UNetError.self) { try UNetConfiguration(data: data, source: "m/unet/config.json") }
        guard case .unsupportedConfiguration = error else {
            Issue.record("\(changes): expected an unsupported-configuration error, got \(String(describing: error))")
            return
        }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("m/unet/config.json: "), "\(description)")
        #expect(description.contains(message), "\(description) lacks \(message)")
    }

    @Test(arguments: [
        (#"{"block_out_channels": []}"#, "block_out_channels"),
        (#"{"block_out_channels": [8, 16]}"#, "down_block_types has 3 entries but block_out_channels has 2"),
        (#"{"up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"]}"#, "up_block_types has 2 entries but block_out_channels has 3"),
        (#"{"layers_per_block": [2, 2]}"#, "layers_per_block has 2 entries"),
        (#"{"layers_per_block": 0}"#, "layers_per_block [0, 0, 0] must be positive"),
        (#"{"attention_head_dim": 3}"#, "attention_head_dim 3 (heads) does not divide the 8 channels of level 0"),
        (#"{"attention_head_dim": null}"#, "attention_head_dim (the number of attention heads) is null"),
        (#"{"norm_num_groups": 0}"#, "norm_num_groups 0 must be positive"),
        (#"{"norm_num_groups": 3}"#, "norm_num_groups 3 does not divide the 8 channels of level 0"),
        (#"{"conv_in_kernel": 2}"#, "conv_in_kernel 2 must be a positive odd size"),
        (#"{"mid_block_scale_factor": 0}"#, "mid_block_scale_factor 0.0"),
    ])
    func rejectsInvalidValues(changes: String, message: String) throws {
        let data = try Self.tinySD1(changes)
        let error = #expect(throws: UNetError.self) { try UNetConfiguration(data: data) }
        guard case .invalidConfiguration = error else {
            Issue.record("\(changes): expected an invalid-configuration error, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "") lacks \(message)")
    }

    @Test func reportsMalformedFiles() throws {
        let wrongType = try Self.tinySD1(#"{"block_out_channels": "eight"}"#)
        let typeError = #expect(throws: UNetError.self) { try UNetConfiguration(data: wrongType, source: "x.json") }
        #expect(typeError?.description.hasPrefix("x.json: cannot read the UNet configuration: block_out_channels") == true,
                "\(typeError?.description ?? "")")

        let notJSON = #expect(throws: UNetError.self) { try UNetConfiguration(data: Data("{".utf8)) }
        #expect(notJSON?.description.hasPrefix("unet/config.json: cannot read") == true)

        let missing = Self.fixtures.appendingPathComponent("models/none/unet/config.json")
        let missingError = #expect(throws: UNetError.self) { try UNetConfiguration(contentsOf: missing) }
        #expect(missingError?.description.contains(missing.path) == true)
    }
}
