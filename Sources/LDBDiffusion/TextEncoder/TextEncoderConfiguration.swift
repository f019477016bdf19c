import Foundation

/// The fields of a transformers `CLIPTextConfig` (`text_encoder/config.json`) that the forward pass uses.
/// Projection fields are ignored: Stable Diffusion conditions on the last hidden state.
public struct TextEncoderConfiguration: Sendable, Equatable {
    /// The MLP non-linearity of each encoder layer.
    public enum Activation: String, Sendable {
        /// `x · sigmoid(1.702 x)`: OpenAI CLIP (SD 1.x).
        case quickGELU = "quick_gelu"
        /// Exact GELU: OpenCLIP (SD 2.x).
        case gelu
    }

    /// The width of the token representations (`hidden_size`).
    public var hiddenSize: Int
    /// The width of each MLP's hidden layer (`intermediate_size`).
    public var intermediateSize: Int
    /// The number of encoder layers (`num_hidden_layers`).
    public var layerCount: Int
    /// The number of attention heads (`num_attention_heads`).
    public var headCount: Int
    /// The longest token sequence, and the rows of the position embedding (`max_position_embeddings`).
    public var maxPositionEmbeddings: Int
    /// The rows of the token embedding (`vocab_size`).
    public var vocabularySize: Int
    /// The MLP non-linearity (`hidden_act`).
    public var activation: Activation
    /// The epsilon of every layer norm (`layer_norm_eps`).
    public var layerNormEpsilon: Float

    /// A configuration from its values.
    public init(hiddenSize: Int, intermediateSize: Int, layerCount: Int, headCount: Int,
                maxPositionEmbeddings: Int, vocabularySize: Int, activation: Activation, layerNormEpsilon: Float) {
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.vocabularySize = vocabularySize
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
    }

    /// Decodes and validates a `config.json`, using transformers' defaults for absent fields.
    public init(_ file: ConfigurationFile) throws(ModelError) {
        if file.contains("model_type") {
            let modelType = try file.string("model_type")
            guard modelType == "clip_text_model" || modelType == "clip" else {
                throw file.unsupported("model_type", reason: "only CLIP text encoders (clip_text_model) are supported")
            }
        }
        hiddenSize = try file.positiveInteger("hidden_size", default: 512)
        intermediateSize = try file.positiveInteger("intermediate_size", default: 2048)
        layerCount = try file.positiveInteger("num_hidden_layers", default: 12)
        headCount = try file.positiveInteger("num_attention_heads", default: 8)
        maxPositionEmbeddings = try file.positiveInteger("max_position_embeddings", default: 77)
        vocabularySize = try file.positiveInteger("vocab_size", default: 49408)
        let activationName = try file.string("hidden_act", default: "quick_gelu")
        guard let activation = Activation(rawValue: activationName) else {
            throw file.unsupported("hidden_act", reason: "only quick_gelu and gelu are supported")
        }
        self.activation = activation
        let epsilon = try file.number("layer_norm_eps", default: 1e-5)
        guard epsilon > 0 else {
            throw .invalidField(file.url, field: "layer_norm_eps", expected: "a positive number", found: String(epsilon))
        }
        layerNormEpsilon = Float(epsilon)
        guard hiddenSize % headCount == 0 else {
            throw .invalidField(file.url, field: "num_attention_heads", expected: "a divisor of hidden_size \(hiddenSize)",
                                found: String(headCount))
        }
    }
}
