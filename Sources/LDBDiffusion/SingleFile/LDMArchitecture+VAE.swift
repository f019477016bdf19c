extension LDMArchitecture {
    /// The VAE's diffusers configuration, read from the shapes of `first_stage_model.*`, with SD's 32 GroupNorm
    /// groups and scaling factor 0.18215.
    func vaeConfiguration() throws(SingleFileError) -> VAEConfiguration {
        let component = "VAE"
        func name(_ suffix: String) -> String { LDMVAELayout.prefix + suffix }

        let convIn = try shape(name("encoder.conv_in.weight"), of: component)
        guard convIn.count == 4 else { throw unsupported("the VAE's encoder.conv_in.weight has shape \(convIn), expected 4 dimensions") }
        let levels = indices(after: name("encoder.down."))
        guard !levels.isEmpty, levels == Array(0..<levels.count) else {
            throw unsupported("the VAE's encoder.down blocks \(levels) are not numbered 0, 1, …")
        }
        let layers = indices(after: name("encoder.down.0.block.")).count
        var channels: [Int] = []
        for level in levels {
            channels.append(try dimension(name("encoder.down.\(level).block.0.conv1.weight"), 0, rank: 4, of: component))
        }
        if let odd = channels.first(where: { $0 % 32 != 0 }) {
            throw unsupported("cannot tell the GroupNorm groups of a VAE with \(odd) channels (SD uses 32 groups); "
                              + "pass a diffusers configuration folder")
        }
        return VAEConfiguration(
            inChannels: convIn[1],
            outChannels: try dimension(name("decoder.conv_out.weight"), 0, rank: 4, of: component),
            latentChannels: try dimension(name("decoder.conv_in.weight"), 1, rank: 4, of: component),
            blockOutChannels: channels,
            layersPerBlock: layers,
            normGroupCount: 32,
            scalingFactor: 0.18215,
            midBlockAttention: hasTensors(under: name("encoder.mid.attn_1.")),
            usesQuantConv: shapes[name("quant_conv.weight")] != nil,
            usesPostQuantConv: shapes[name("post_quant_conv.weight")] != nil)
    }
}
