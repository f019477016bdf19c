/// The names of the text encoder's weights in a single-file checkpoint.
enum LDMTextEncoderLayout: Sendable {
    /// SD 1.x: OpenAI CLIP as transformers saves it, under `cond_stage_model.transformer.` (diffusers'
    /// `convert_ldm_clip_checkpoint` only removes the prefix).
    case clip
    /// SD 2.x: OpenCLIP's text tower under `cond_stage_model.model.`, as diffusers' `convert_open_clip_checkpoint`
    /// maps it: `token_embedding`, `positional_embedding`, `ln_final`, and `transformer.resblocks.i` with `ln_1`,
    /// `ln_2`, `mlp.c_fc`, `mlp.c_proj`, `attn.out_proj` and q, k, v fused into `attn.in_proj_weight/bias`
    /// (rows q, then k, then v). `text_projection` is not used: SD conditions on the hidden states. Only the
    /// blocks the encoder asks for are read, so SD 2's last resblock, which it skips, is never touched.
    case openCLIP

    static let clipPrefix = "cond_stage_model.transformer."
    static let openCLIPPrefix = "cond_stage_model.model."

    /// The tensor whose presence identifies the layout.
    var marker: String {
        switch self {
        case .clip: Self.clipPrefix + "text_model.embeddings.token_embedding.weight"
        case .openCLIP: Self.openCLIPPrefix + "token_embedding.weight"
        }
    }

    private static let openCLIPLayers = [
        "layer_norm1": "ln_1", "layer_norm2": "ln_2", "mlp.fc1": "mlp.c_fc", "mlp.fc2": "mlp.c_proj",
        "self_attn.out_proj": "attn.out_proj",
    ]
    private static let fusedProjections = ["self_attn.q_proj": 0, "self_attn.k_proj": 1, "self_attn.v_proj": 2]

    /// The checkpoint tensor of the transformers weight `name` (with or without `text_model.`).
    func location(of name: String) -> LDMTensorLocation? {
        let bare = name.hasPrefix("text_model.") ? String(name.dropFirst("text_model.".count)) : name
        switch self {
        case .clip:
            return LDMTensorLocation(Self.clipPrefix + "text_model." + bare)
        case .openCLIP:
            return openCLIPLocation(of: bare)
        }
    }

    private func openCLIPLocation(of name: String) -> LDMTensorLocation? {
        let prefix = Self.openCLIPPrefix
        switch name {
        case "embeddings.token_embedding.weight": return LDMTensorLocation(prefix + "token_embedding.weight")
        case "embeddings.position_embedding.weight": return LDMTensorLocation(prefix + "positional_embedding")
        case "final_layer_norm.weight": return LDMTensorLocation(prefix + "ln_final.weight")
        case "final_layer_norm.bias": return LDMTensorLocation(prefix + "ln_final.bias")
        default: break
        }
        // encoder.layers.{i}.{module}.{weight|bias}
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count >= 5, parts[0] == "encoder", parts[1] == "layers", let index = Int(parts[2]),
              let leaf = parts.last, leaf == "weight" || leaf == "bias" else { return nil }
        let module = parts[3..<(parts.count - 1)].joined(separator: ".")
        let block = "\(prefix)transformer.resblocks.\(index)."
        if let part = Self.fusedProjections[module] {
            return LDMTensorLocation(block + "attn.in_proj_\(leaf)", .slice(part: part, of: 3))
        }
        return Self.openCLIPLayers[module].map { LDMTensorLocation(block + "\($0).\(leaf)") }
    }
}
