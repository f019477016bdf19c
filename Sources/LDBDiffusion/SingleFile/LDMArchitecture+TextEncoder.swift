extension LDMArchitecture {
    /// The text encoder's configuration, read from the shapes of `cond_stage_model.*`, with heads of 64 channels.
    /// For SD 2.x's OpenCLIP tower it has one layer fewer than the file: SD 2 conditions on the penultimate layer.
    func textEncoderConfiguration() throws(SingleFileError) -> TextEncoderConfiguration {
        let component = "text encoder"
        let tokenEmbedding = try shape(textEncoderLayout.marker, of: component)
        guard tokenEmbedding.count == 2 else {
            throw unsupported("the text encoder's \(textEncoderLayout.marker) has shape \(tokenEmbedding), expected 2 dimensions")
        }
        let width = tokenEmbedding[1]
        let positions: Int, layerCount: Int, inner: Int, activation: TextEncoderConfiguration.Activation
        switch textEncoderLayout {
        case .clip:
            let prefix = LDMTextEncoderLayout.clipPrefix + "text_model."
            positions = try dimension(prefix + "embeddings.position_embedding.weight", 0, rank: 2, of: component)
            layerCount = indices(after: prefix + "encoder.layers.").count
            inner = try dimension(prefix + "encoder.layers.0.mlp.fc1.weight", 0, rank: 2, of: component)
            activation = .quickGELU
        case .openCLIP:
            let prefix = LDMTextEncoderLayout.openCLIPPrefix
            positions = try dimension(prefix + "positional_embedding", 0, rank: 2, of: component)
            let blocks = indices(after: prefix + "transformer.resblocks.").count
            guard blocks >= 2 else {
                throw unsupported("the OpenCLIP text encoder has \(blocks) resblocks; SD 2.x uses all but the last, so it needs at least 2")
            }
            layerCount = blocks - 1
            inner = try dimension(prefix + "transformer.resblocks.0.mlp.c_fc.weight", 0, rank: 2, of: component)
            activation = .gelu
        }
        guard layerCount > 0 else { throw unsupported("the text encoder has no layers") }
        guard width % 64 == 0 else {
            throw unsupported("cannot tell the attention heads of a text encoder \(width) wide (CLIP uses heads of 64 channels); "
                              + "pass a diffusers configuration folder")
        }
        return TextEncoderConfiguration(
            hiddenSize: width, intermediateSize: inner, layerCount: layerCount, headCount: width / 64,
            maxPositionEmbeddings: positions, vocabularySize: tokenEmbedding[0], activation: activation,
            layerNormEpsilon: 1e-5)
    }
}
