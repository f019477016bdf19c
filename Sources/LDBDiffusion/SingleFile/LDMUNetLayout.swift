/// The names of a UNet's weights in the original LDM checkpoint layout (`model.diffusion_model.*`), as diffusers'
/// `convert_ldm_unet_checkpoint` reads them, run backwards: from the name `UNet2DConditionModel` asks for to the
/// tensor in the file.
///
/// LDM numbers its blocks in one sequence per side. `input_blocks.0` is `conv_in`; then each level has one
/// `input_blocks.N` per ResNet (`N.0`, with its spatial transformer at `N.1`) and, except the last level, one
/// holding the downsampler (`N.0.op`). `middle_block.{0,1,2}` is ResNet, transformer, ResNet. Up blocks are
/// `output_blocks.M`, one per ResNet (`M.0`, transformer `M.1`), the upsampler following the last ResNet of a block
/// (`M.1.conv`, or `M.2.conv` after a transformer). ResNets name their layers `in_layers.{0,2}` (norm1, conv1),
/// `emb_layers.1` (time_emb_proj), `out_layers.{0,3}` (norm2, conv2) and `skip_connection` (conv_shortcut).
struct LDMUNetLayout: Sendable {
    static let prefix = "model.diffusion_model."

    /// ResNet blocks per down block, finest first.
    let layersPerBlock: [Int]
    /// Whether each up block (coarsest first) has spatial transformers.
    let upBlockHasAttention: [Bool]

    init(configuration: UNetConfiguration) {
        layersPerBlock = configuration.layersPerBlock
        upBlockHasAttention = configuration.upBlocks.map { $0 == .crossAttention }
    }

    private static let fixed = [
        "time_embedding.linear_1": "time_embed.0", "time_embedding.linear_2": "time_embed.2",
        "conv_in": "input_blocks.0.0", "conv_norm_out": "out.0", "conv_out": "out.2",
    ]
    private static let resnetLayers = [
        "norm1": "in_layers.0", "conv1": "in_layers.2", "time_emb_proj": "emb_layers.1",
        "norm2": "out_layers.0", "conv2": "out_layers.3", "conv_shortcut": "skip_connection",
    ]

    /// The checkpoint tensor of the diffusers weight `name`, or `nil` when the layout has none.
    func location(of name: String) -> LDMTensorLocation? {
        ldmName(of: name).map { LDMTensorLocation(Self.prefix + $0) }
    }

    private func ldmName(of name: String) -> String? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count >= 2 else { return nil }
        if let fixed = Self.fixed[parts.dropLast().joined(separator: ".")] {
            return "\(fixed).\(parts[parts.count - 1])"
        }
        let levels = layersPerBlock.count
        switch parts[0] {
        case "down_blocks" where parts.count >= 5:
            guard let level = Int(parts[1]), level < levels, let index = Int(parts[3]) else { return nil }
            let first = 1 + layersPerBlock[..<level].reduce(0) { $0 + $1 + 1 }
            let rest = parts[4...].joined(separator: ".")
            switch parts[2] {
            case "resnets": return resnet(rest).map { "input_blocks.\(first + index).0.\($0)" }
            case "attentions": return "input_blocks.\(first + index).1.\(rest)"
            case "downsamplers" where parts[4] == "conv" && parts.count == 6:
                return "input_blocks.\(first + layersPerBlock[level]).0.op.\(parts[5])"
            default: return nil
            }
        case "mid_block" where parts.count >= 4:
            guard let index = Int(parts[2]) else { return nil }
            let rest = parts[3...].joined(separator: ".")
            switch parts[1] {
            case "resnets" where index < 2: return resnet(rest).map { "middle_block.\(2 * index).\($0)" }
            case "attentions" where index == 0: return "middle_block.1.\(rest)"
            default: return nil
            }
        case "up_blocks" where parts.count >= 5:
            guard let block = Int(parts[1]), block < levels, let index = Int(parts[3]) else { return nil }
            // Up block `block` mirrors down level `levels - 1 - block` and has one more ResNet.
            let first = (0..<block).reduce(0) { $0 + layersPerBlock[levels - 1 - $1] + 1 }
            let last = first + layersPerBlock[levels - 1 - block]
            let rest = parts[4...].joined(separator: ".")
            switch parts[2] {
            case "resnets": return resnet(rest).map { "output_blocks.\(first + index).0.\($0)" }
            case "attentions": return "output_blocks.\(first + index).1.\(rest)"
            case "upsamplers" where parts[4] == "conv" && parts.count == 6:
                return "output_blocks.\(last).\(upBlockHasAttention[block] ? 2 : 1).conv.\(parts[5])"
            default: return nil
            }
        default:
            return nil
        }
    }

    /// `norm1.weight` → `in_layers.0.weight`, and so on.
    private func resnet(_ rest: String) -> String? {
        guard let dot = rest.firstIndex(of: "."), let layer = Self.resnetLayers[String(rest[..<dot])] else { return nil }
        return layer + rest[dot...]
    }
}
