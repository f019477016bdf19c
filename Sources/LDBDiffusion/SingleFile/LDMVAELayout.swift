/// The names of the VAE's weights in the original LDM checkpoint layout (`first_stage_model.*`), as diffusers'
/// `convert_ldm_vae_checkpoint` reads them, run backwards.
///
/// The encoder's `down_blocks.i` is `encoder.down.i` (`block.j` ResNets, `downsample.conv`); the decoder's
/// `up_blocks.i` is `decoder.up.(n - 1 - i)` (`block.j`, `upsample.conv`), LDM numbering the decoder from the
/// finest level. Mid blocks are `mid.block_1`, `mid.attn_1`, `mid.block_2`; `conv_norm_out` is `norm_out`, a
/// ResNet's `conv_shortcut` is `nin_shortcut`. The mid attention's `group_norm`, `to_q`, `to_k`, `to_v` and
/// `to_out.0` are `norm`, `q`, `k`, `v` and `proj_out`, whose weights LDM stores as 1×1 convolutions.
struct LDMVAELayout: Sendable {
    static let prefix = "first_stage_model."

    /// The number of resolution levels (`block_out_channels.count`).
    let levels: Int

    private static let attentionLayers = [
        "group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out",
    ]

    /// The checkpoint tensor of the diffusers weight `name`, or `nil` when the layout has none.
    func location(of name: String) -> LDMTensorLocation? {
        let parts = name.split(separator: ".").map(String.init)
        guard let side = parts.first, let leaf = parts.last, parts.count >= 2 else { return nil }
        if side == "quant_conv" || side == "post_quant_conv" {
            return parts.count == 2 ? LDMTensorLocation(Self.prefix + name) : nil
        }
        guard side == "encoder" || side == "decoder", parts.count >= 3 else { return nil }
        let body = Array(parts[1..<(parts.count - 1)])
        let ldm: String
        switch body[0] {
        case "conv_in" where body.count == 1, "conv_out" where body.count == 1:
            ldm = body[0]
        case "conv_norm_out" where body.count == 1:
            ldm = "norm_out"
        case "mid_block" where body.count >= 3:
            guard let index = Int(body[2]) else { return nil }
            let layer = body[3...].joined(separator: ".")
            if body[1] == "resnets", index < 2, let renamed = resnet(layer) {
                ldm = "mid.block_\(index + 1).\(renamed)"
            } else if body[1] == "attentions", index == 0, let renamed = Self.attentionLayers[layer] {
                let location = "\(Self.prefix)\(side).mid.attn_1.\(renamed).\(leaf)"
                return LDMTensorLocation(location, renamed != "norm" && leaf == "weight" ? .pointwiseToLinear : .none)
            } else {
                return nil
            }
        case "down_blocks" where side == "encoder" && body.count >= 3,
             "up_blocks" where side == "decoder" && body.count >= 3:
            guard let block = Int(body[1]), block < levels else { return nil }
            let (stage, ldmBlock, sampler) = side == "encoder"
                ? ("down", block, "downsamplers") : ("up", levels - 1 - block, "upsamplers")
            let layer = body[3...].joined(separator: ".")
            if body[2] == "resnets", let index = Int(layer.prefix { $0 != "." }),
               let renamed = resnet(String(layer.drop { $0 != "." }.dropFirst())) {
                ldm = "\(stage).\(ldmBlock).block.\(index).\(renamed)"
            } else if body[2] == sampler, layer == "0.conv" {
                ldm = "\(stage).\(ldmBlock).\(side == "encoder" ? "downsample" : "upsample").conv"
            } else {
                return nil
            }
        default:
            return nil
        }
        return LDMTensorLocation("\(Self.prefix)\(side).\(ldm).\(leaf)")
    }

    /// A ResNet layer's LDM name: the same, except `conv_shortcut`.
    private func resnet(_ layer: String) -> String? {
        switch layer {
        case "norm1", "conv1", "norm2", "conv2": layer
        case "conv_shortcut": "nin_shortcut"
        default: nil
        }
    }
}
