import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// The architecture read from tensor shapes alone, on the LDM shape tables of full-size SD 1.5 and SD 2.1
/// (`Fixtures/single-file/sd{15,21}-shapes.json`, made on torch's meta device and checked with diffusers'
/// converters), against the configurations those models are published with.
@Suite struct SingleFileArchitectureTests {
    struct Table {
        let shapes: [String: [Int]]
        let configs: [String: JSONValue]
        /// The published `unet/config.json`, as JSON text.
        let unetJSON: Data

        init(_ name: String) throws {
            let url = ModelFolderFixtures.root.appendingPathComponent("single-file/\(name)-shapes.json")
            struct File: Decodable {
                let tensors: [String: [Int]]
                let configs: [String: JSONValue]
            }
            let data = try Data(contentsOf: url)
            let file = try JSONDecoder().decode(File.self, from: data)
            shapes = file.tensors
            configs = file.configs
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let unet = try #require((object?["configs"] as? [String: Any])?["unet"])
            unetJSON = try JSONSerialization.data(withJSONObject: unet)
        }

        func configuration(_ component: String) throws -> ConfigurationFile {
            guard case .object(let fields)? = configs[component] else { throw ModelError.missingField(URL(fileURLWithPath: component), field: component) }
            return ConfigurationFile(url: URL(fileURLWithPath: "\(component)/config.json"), fields: fields)
        }
    }

    @Test(arguments: [("sd15", false), ("sd21", true)])
    func derivesThePublishedConfigurations(name: String, isSD2: Bool) throws {
        let table = try Table(name)
        let architecture = try LDMArchitecture(url: URL(fileURLWithPath: "\(name).safetensors"), shapes: table.shapes)
        #expect(architecture.isSD2 == isSD2)

        let unet = try architecture.unetConfiguration()
        let published = try UNetConfiguration(data: table.unetJSON)
        #expect(unet.blockOutChannels == published.blockOutChannels)
        #expect(unet.downBlocks == published.downBlocks)
        #expect(unet.upBlocks == published.upBlocks)
        #expect(unet.layersPerBlock == published.layersPerBlock)
        #expect(unet.attentionHeads == published.attentionHeads)
        #expect(unet.crossAttentionDimension == published.crossAttentionDimension)
        #expect(unet.transformerLayersPerBlock == published.transformerLayersPerBlock)
        #expect(unet.usesLinearProjection == published.usesLinearProjection)
        #expect(unet.normGroups == published.normGroups)
        #expect(unet.timeEmbeddingDimension == published.timeEmbeddingDimension)
        #expect(unet.inChannels == 4 && unet.outChannels == 4)

        #expect(try architecture.vaeConfiguration() == VAEConfiguration(table.configuration("vae")))
        #expect(try architecture.textEncoderConfiguration() == TextEncoderConfiguration(table.configuration("text_encoder")))
    }

    @Test func theUNetLayoutNamesEveryWeightOfTheSD15Table() throws {
        let table = try Table("sd15")
        let architecture = try LDMArchitecture(url: URL(fileURLWithPath: "sd15.safetensors"), shapes: table.shapes)
        let layout = LDMUNetLayout(configuration: try architecture.unetConfiguration())
        let cases = [
            ("conv_in.weight", "input_blocks.0.0.weight"),
            ("time_embedding.linear_2.bias", "time_embed.2.bias"),
            ("down_blocks.1.resnets.0.conv_shortcut.weight", "input_blocks.4.0.skip_connection.weight"),
            ("down_blocks.2.attentions.1.transformer_blocks.0.attn2.to_k.weight",
             "input_blocks.8.1.transformer_blocks.0.attn2.to_k.weight"),
            ("down_blocks.2.downsamplers.0.conv.weight", "input_blocks.9.0.op.weight"),
            ("down_blocks.3.resnets.1.time_emb_proj.weight", "input_blocks.11.0.emb_layers.1.weight"),
            ("mid_block.resnets.1.norm2.bias", "middle_block.2.out_layers.0.bias"),
            ("mid_block.attentions.0.proj_out.weight", "middle_block.1.proj_out.weight"),
            ("up_blocks.0.resnets.2.conv2.weight", "output_blocks.2.0.out_layers.3.weight"),
            ("up_blocks.0.upsamplers.0.conv.bias", "output_blocks.2.1.conv.bias"),
            ("up_blocks.1.upsamplers.0.conv.weight", "output_blocks.5.2.conv.weight"),
            ("up_blocks.3.attentions.2.norm.weight", "output_blocks.11.1.norm.weight"),
            ("conv_norm_out.weight", "out.0.weight"),
        ]
        for (diffusers, ldm) in cases {
            #expect(layout.location(of: diffusers) == LDMTensorLocation("model.diffusion_model." + ldm), "\(diffusers)")
            #expect(table.shapes["model.diffusion_model." + ldm] != nil, "\(ldm)")
        }
        #expect(layout.location(of: "down_blocks.9.resnets.0.conv1.weight") == nil)
        #expect(layout.location(of: "add_embedding.linear_1.weight") == nil)
    }

    @Test func theVAEAndOpenCLIPLayoutsSplitAndReshape() throws {
        let vae = LDMVAELayout(levels: 4)
        #expect(vae.location(of: "decoder.up_blocks.0.resnets.2.conv1.weight")
                == LDMTensorLocation("first_stage_model.decoder.up.3.block.2.conv1.weight"))
        #expect(vae.location(of: "decoder.up_blocks.2.upsamplers.0.conv.bias")
                == LDMTensorLocation("first_stage_model.decoder.up.1.upsample.conv.bias"))
        #expect(vae.location(of: "encoder.down_blocks.1.resnets.0.conv_shortcut.weight")
                == LDMTensorLocation("first_stage_model.encoder.down.1.block.0.nin_shortcut.weight"))
        #expect(vae.location(of: "encoder.mid_block.attentions.0.to_out.0.weight")
                == LDMTensorLocation("first_stage_model.encoder.mid.attn_1.proj_out.weight", .pointwiseToLinear))
        #expect(vae.location(of: "encoder.mid_block.attentions.0.group_norm.weight")
                == LDMTensorLocation("first_stage_model.encoder.mid.attn_1.norm.weight"))
        #expect(vae.location(of: "decoder.conv_norm_out.bias") == LDMTensorLocation("first_stage_model.decoder.norm_out.bias"))

        let clip = LDMTextEncoderLayout.openCLIP
        #expect(clip.location(of: "text_model.encoder.layers.3.self_attn.v_proj.bias")
                == LDMTensorLocation("cond_stage_model.model.transformer.resblocks.3.attn.in_proj_bias", .slice(part: 2, of: 3)))
        #expect(clip.location(of: "text_model.embeddings.position_embedding.weight")
                == LDMTensorLocation("cond_stage_model.model.positional_embedding"))
        #expect(clip.location(of: "text_model.encoder.layers.0.mlp.fc2.weight")
                == LDMTensorLocation("cond_stage_model.model.transformer.resblocks.0.mlp.c_proj.weight"))
        #expect(LDMTextEncoderLayout.clip.location(of: "text_model.final_layer_norm.bias")
                == LDMTensorLocation("cond_stage_model.transformer.text_model.final_layer_norm.bias"))
    }

    @Test func predictionTypeComesFromTheCommonMetadataKeys() throws {
        let file = URL(fileURLWithPath: "model.safetensors")
        func read(_ metadata: [String: String]) throws(SingleFileError) -> SchedulerConfig.PredictionType? {
            try PredictionTypeMetadata.predictionType(in: metadata, file: file)
        }
        #expect(try read([:]) == nil)
        #expect(try read(["modelspec.prediction_type": "v"]) == .vPrediction)
        #expect(try read(["modelspec.prediction_type": "epsilon"]) == .epsilon)
        #expect(try read(["modelspec.architecture": "stable-diffusion-v2-768-v"]) == .vPrediction)
        #expect(try read(["modelspec.architecture": "stable-diffusion-v2-512"]) == .epsilon)
        #expect(try read(["ss_v_parameterization": "True"]) == .vPrediction)
        #expect(throws: SingleFileError.self) { try read(["modelspec.prediction_type": "flow"]) }
    }
}
