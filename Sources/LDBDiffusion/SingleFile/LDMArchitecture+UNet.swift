import Foundation

extension LDMArchitecture {
    /// The UNet's diffusers configuration, read from the shapes of `model.diffusion_model.*` (see the type's
    /// documentation for the values no shape gives).
    /// - Throws: `SingleFileError` when the blocks do not form an SD 1.x / 2.x UNet, or `UNetError` for an option
    ///   the UNet does not run (an inpainting UNet's 9 input channels, class embeddings, …).
    func unetConfiguration() throws -> UNetConfiguration {
        let component = "UNet"
        let prefix = LDMUNetLayout.prefix
        func name(_ suffix: String) -> String { prefix + suffix }

        if hasTensors(under: name("label_emb.")) {
            throw unsupported("the UNet has class or size embeddings (label_emb): SDXL and upscaler UNets are not supported")
        }
        let convIn = try shape(name("input_blocks.0.0.weight"), of: component)
        guard convIn.count == 4 else { throw unsupported("conv_in (input_blocks.0.0.weight) has shape \(convIn), expected 4 dimensions") }
        let outChannels = try dimension(name("out.2.weight"), 0, rank: 4, of: component)

        // Each level but the last ends with a downsampler (input_blocks.N.0.op); ResNets fill the blocks between.
        let inputBlocks = indices(after: name("input_blocks.")).filter { $0 > 0 }
        let downsamplers = inputBlocks.filter { shapes[name("input_blocks.\($0).0.op.weight")] != nil }
        var layersPerBlock: [Int] = []
        var previous = 0
        for block in downsamplers {
            layersPerBlock.append(block - previous - 1)
            previous = block
        }
        layersPerBlock.append((inputBlocks.last ?? 0) - previous)
        let expectedBlocks = Array(1...max(1, layersPerBlock.reduce(0, +) + layersPerBlock.count - 1))
        guard layersPerBlock.allSatisfy({ $0 > 0 }), inputBlocks == expectedBlocks else {
            throw unsupported("the UNet's input_blocks \(inputBlocks) do not form levels of ResNets separated by downsamplers")
        }
        let levels = layersPerBlock.count
        let firstBlockOfLevel = (0..<levels).map { level in 1 + layersPerBlock[..<level].reduce(0) { $0 + $1 + 1 } }

        var channels: [Int] = []
        var downTypes: [String] = []
        var transformerDepths: [Int] = []
        var linearProjection: Bool?
        var contextWidth: Int?
        for level in 0..<levels {
            let block = firstBlockOfLevel[level]
            channels.append(try dimension(name("input_blocks.\(block).0.out_layers.3.weight"), 0, rank: 4, of: component))
            let attention = name("input_blocks.\(block).1.")
            guard hasTensors(under: attention) else {
                downTypes.append("DownBlock2D")
                transformerDepths.append(1)
                continue
            }
            downTypes.append("CrossAttnDownBlock2D")
            transformerDepths.append(indices(after: attention + "transformer_blocks.").count)
            let projection = try shape(attention + "proj_in.weight", of: component)
            linearProjection = projection.count == 2
            contextWidth = try dimension(attention + "transformer_blocks.0.attn2.to_k.weight", 1, rank: 2, of: component)
        }
        if contextWidth == nil {
            // A UNet without cross-attention in its down path still has it in the mid block.
            let attention = name("middle_block.1.")
            linearProjection = try shape(attention + "proj_in.weight", of: component).count == 2
            contextWidth = try dimension(attention + "transformer_blocks.0.attn2.to_k.weight", 1, rank: 2, of: component)
        }
        let midDepth = indices(after: name("middle_block.1.transformer_blocks.")).count
        guard midDepth > 0 else {
            throw unsupported("the UNet has no transformer in its mid block (middle_block.1), which SD 1.x / 2.x UNets have")
        }

        var upTypes: [String] = []
        var firstOutputBlock = 0
        for block in 0..<levels {
            let hasAttention = hasTensors(under: name("output_blocks.\(firstOutputBlock).1.transformer_blocks."))
            upTypes.append(hasAttention ? "CrossAttnUpBlock2D" : "UpBlock2D")
            firstOutputBlock += layersPerBlock[levels - 1 - block] + 1
        }

        if let level = channels.firstIndex(where: { $0 % 32 != 0 }) {
            throw unsupported("cannot tell the GroupNorm groups of a UNet with \(channels[level]) channels at level \(level) "
                              + "(SD uses 32 groups); pass a diffusers configuration folder")
        }
        if isSD2, let level = channels.firstIndex(where: { $0 % 64 != 0 }) {
            throw unsupported("cannot tell the attention heads of a UNet with \(channels[level]) channels at level \(level) "
                              + "(SD 2.x uses heads of 64 channels); pass a diffusers configuration folder")
        }
        let heads = isSD2 ? channels.map { $0 / 64 } : Array(repeating: 8, count: levels)
        return try decode(channels: channels, heads: heads)

        func decode(channels: [Int], heads: [Int]) throws -> UNetConfiguration {
            let fields: [String: Any] = [
                "_class_name": "UNet2DConditionModel",
                "in_channels": convIn[1],
                "out_channels": outChannels,
                "block_out_channels": channels,
                "down_block_types": downTypes,
                "up_block_types": upTypes,
                "layers_per_block": layersPerBlock,
                "attention_head_dim": heads,
                "cross_attention_dim": contextWidth ?? 0,
                "transformer_layers_per_block": transformerDepths,
                "use_linear_projection": linearProjection ?? false,
                "norm_num_groups": 32,
                "time_embedding_dim": try dimension(name("time_embed.0.weight"), 0, rank: 2, of: component),
            ]
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            return try UNetConfiguration(data: data, source: "\(url.path) (UNet configuration read from its shapes)")
        }
    }
}
