import LDBTensor

/// The text tower of CLIP as transformers' `CLIPTextModel` runs it, returning `last_hidden_state`:
/// token plus position embeddings, pre-norm encoder layers with causal self-attention, then a final layer norm.
///
/// Stable Diffusion 1.x and 2.x condition their UNet on this output. (SD 2.x's use of the penultimate layer
/// is already encoded in its diffusers folder, whose `num_hidden_layers` leaves the last layer out.)
public struct CLIPTextEncoder: Sendable {
    /// The configuration the weights were loaded for.
    public let configuration: TextEncoderConfiguration

    /// The largest table of the text encoder (49408 × 768 for SD 1.x), kept as the source hands out matrices.
    let tokenEmbedding: WeightTensor
    let positionEmbedding: Tensor
    let layers: [CLIPEncoderLayer]
    let finalLayerNorm: LayerNormWeights

    /// Loads the weights named as in transformers' state dict, with or without the `text_model.` prefix
    /// that Stable Diffusion checkpoints carry.
    /// - Throws: `ModelError` naming a weight that is missing or has another shape than `configuration` implies.
    public init(configuration: TextEncoderConfiguration, weights: some WeightSource) throws {
        if weights.contains("text_model.embeddings.token_embedding.weight") {
            try self.init(configuration: configuration, modelWeights: weights.scoped("text_model"))
        } else {
            try self.init(configuration: configuration, modelWeights: weights)
        }
    }

    private init(configuration: TextEncoderConfiguration, modelWeights weights: some WeightSource) throws {
        self.configuration = configuration
        let width = configuration.hiddenSize
        tokenEmbedding = try weights.matrix("embeddings.token_embedding.weight", shape: [configuration.vocabularySize, width])
        positionEmbedding = try weights.tensor("embeddings.position_embedding.weight",
                                               shape: [configuration.maxPositionEmbeddings, width])
        layers = try (0..<configuration.layerCount).map { index in
            try CLIPEncoderLayer(configuration: configuration, weights: weights.scoped("encoder.layers.\(index)"))
        }
        finalLayerNorm = try LayerNormWeights(weights: weights.scoped("final_layer_norm"), width: width)
    }

    /// The last hidden state for a batch of token sequences.
    ///
    /// - Parameter tokenIDs: one sequence of ids per batch item, all of the same length (77 for Stable
    ///   Diffusion, as the tokenizer pads them), at most `maxPositionEmbeddings` long.
    /// - Returns: `[batch, length, hiddenSize]`.
    /// - Throws: `ModelError.invalidInput` when the batch is empty, lengths differ or exceed the position
    ///   embedding, or an id is outside the vocabulary.
    public func encode(_ tokenIDs: [[Int]]) throws(ModelError) -> Tensor {
        try validate(tokenIDs)
        WeightTensor.beginReusingWideningBuffer()
        defer { WeightTensor.endReusingWideningBuffer() }
        let length = tokenIDs[0].count, width = configuration.hiddenSize
        let positions = positionEmbedding.sliced(0..<length, axis: 0)
        var embeddings: [Tensor] = []
        for sequence in tokenIDs {
            embeddings.append((tokenEmbedding.rows(at: sequence) + positions).reshaped([1, length, width]))
        }
        var hidden = Tensor(concatenating: embeddings, axis: 0)
        for layer in layers {
            hidden = layer(hidden)
        }
        return finalLayerNorm(hidden, epsilon: configuration.layerNormEpsilon)
    }

    private func validate(_ tokenIDs: [[Int]]) throws(ModelError) {
        let network = "CLIP text encoder"
        guard let length = tokenIDs.first?.count, length > 0 else {
            throw .invalidInput(network: network, reason: "no tokens to encode")
        }
        guard length <= configuration.maxPositionEmbeddings else {
            throw .invalidInput(network: network, reason: "\(length) tokens exceed max_position_embeddings \(configuration.maxPositionEmbeddings)")
        }
        for (item, sequence) in tokenIDs.enumerated() {
            guard sequence.count == length else {
                throw .invalidInput(network: network, reason: "sequence \(item) has \(sequence.count) tokens, sequence 0 has \(length)")
            }
            if let id = sequence.first(where: { $0 < 0 || $0 >= configuration.vocabularySize }) {
                throw .invalidInput(network: network, reason: "token id \(id) in sequence \(item) is outside the vocabulary of \(configuration.vocabularySize)")
            }
        }
    }
}

/// One pre-norm transformer layer of the CLIP text encoder.
struct CLIPEncoderLayer: Sendable {
    let configuration: TextEncoderConfiguration
    let layerNorm1: LayerNormWeights
    let query: LinearWeights
    let key: LinearWeights
    let value: LinearWeights
    let output: LinearWeights
    let layerNorm2: LayerNormWeights
    let fc1: LinearWeights
    let fc2: LinearWeights

    init(configuration: TextEncoderConfiguration, weights: some WeightSource) throws {
        self.configuration = configuration
        let width = configuration.hiddenSize, inner = configuration.intermediateSize
        layerNorm1 = try LayerNormWeights(weights: weights.scoped("layer_norm1"), width: width)
        query = try LinearWeights(weights: weights.scoped("self_attn.q_proj"), in: width, out: width)
        key = try LinearWeights(weights: weights.scoped("self_attn.k_proj"), in: width, out: width)
        value = try LinearWeights(weights: weights.scoped("self_attn.v_proj"), in: width, out: width)
        output = try LinearWeights(weights: weights.scoped("self_attn.out_proj"), in: width, out: width)
        layerNorm2 = try LayerNormWeights(weights: weights.scoped("layer_norm2"), width: width)
        fc1 = try LinearWeights(weights: weights.scoped("mlp.fc1"), in: width, out: inner)
        fc2 = try LinearWeights(weights: weights.scoped("mlp.fc2"), in: inner, out: width)
    }

    /// `[B, L, C]` → `[B, L, C]`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        let epsilon = configuration.layerNormEpsilon
        let normalized = layerNorm1(input, epsilon: epsilon)
        let attended = attention(query: query(normalized), key: key(normalized), value: value(normalized),
                                 heads: configuration.headCount, causal: true)
        var hidden = input + output(attended)
        let expanded = fc1(layerNorm2(hidden, epsilon: epsilon))
        let activated = switch configuration.activation {
        case .quickGELU: expanded.quickGELU()
        case .gelu: expanded.gelu()
        }
        hidden += fc2(activated)
        return hidden
    }
}
