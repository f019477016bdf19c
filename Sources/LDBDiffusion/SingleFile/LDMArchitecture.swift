import Foundation

/// What the tensor names and shapes of an LDM checkpoint say about the model: which family it is, and the
/// diffusers configurations of its UNet, VAE and text encoder.
///
/// Everything a shape can tell is read from the shapes: channels, levels, ResNets per level, which levels attend,
/// transformer depth, context width, linear or convolutional projections, VAE channels, text-encoder width, depth,
/// MLP width, vocabulary and positions. What no shape tells takes the value of the published SD 1.x / 2.x
/// configurations:
/// - UNet attention heads: 8 per level for SD 1.x (`attention_head_dim: 8`); heads of 64 channels for SD 2.x
///   (`attention_head_dim: [5, 10, 20, 20]` at 320…1280 channels).
/// - Text-encoder heads: 64 channels each (CLIP ViT-L/14: 12 heads of 768; OpenCLIP ViT-H/14: 16 of 1024).
/// - GroupNorm groups: 32 in the UNet and the VAE; VAE scaling factor 0.18215.
/// - Text-encoder activation: `quick_gelu` for OpenAI CLIP (SD 1.x), `gelu` for OpenCLIP (SD 2.x).
/// - SD 2.x conditions on the penultimate layer of OpenCLIP, so its encoder has one layer fewer than the file.
struct LDMArchitecture: Sendable {
    /// The source, for error messages.
    let url: URL
    /// Every tensor's shape, by name.
    let shapes: [String: [Int]]
    /// Which text tower the checkpoint has: OpenAI CLIP for SD 1.x, OpenCLIP for SD 2.x.
    let textEncoderLayout: LDMTextEncoderLayout

    /// Recognises the checkpoint, rejecting SDXL, LoRA and foreign files.
    init(url: URL, shapes: [String: [Int]]) throws(SingleFileError) {
        self.url = url
        self.shapes = shapes
        let names = shapes.keys.sorted()
        if names.contains(where: { $0.hasPrefix("conditioner.embedders.1.") }) { throw .sdxl(url) }
        if let lora = names.first(where: Self.isLoRA) { throw .lora(url, example: lora) }
        let prefixes = [LDMUNetLayout.prefix, LDMVAELayout.prefix, "cond_stage_model."]
        guard names.contains(where: { name in prefixes.contains { name.hasPrefix($0) } }) else {
            throw .notStableDiffusion(url, examples: names.isEmpty ? ["no tensors"] : Array(names.prefix(3)))
        }
        let unetMarker = LDMUNetLayout.prefix + "input_blocks.0.0.weight"
        guard shapes[unetMarker] != nil else { throw .missingComponent(url, component: "UNet", expectedTensor: unetMarker) }
        let vaeMarker = LDMVAELayout.prefix + "encoder.conv_in.weight"
        guard shapes[vaeMarker] != nil else { throw .missingComponent(url, component: "VAE", expectedTensor: vaeMarker) }
        if shapes[LDMTextEncoderLayout.openCLIP.marker] != nil {
            textEncoderLayout = .openCLIP
        } else if shapes[LDMTextEncoderLayout.clip.marker] != nil {
            textEncoderLayout = .clip
        } else {
            throw .missingComponent(url, component: "text encoder", expectedTensor: LDMTextEncoderLayout.clip.marker)
        }
    }

    /// Whether the family is SD 2.x (OpenCLIP text tower) rather than SD 1.x.
    var isSD2: Bool { textEncoderLayout == .openCLIP }

    private static func isLoRA(_ name: String) -> Bool {
        name.hasPrefix("lora_") || name.contains(".lora_down.") || name.contains(".lora_up.")
            || name.contains(".lora_A.") || name.contains(".lora_B.")
    }

    /// The shape of `name`, or the error naming the component it belongs to.
    func shape(_ name: String, of component: String) throws(SingleFileError) -> [Int] {
        guard let shape = shapes[name] else {
            throw .unsupportedArchitecture(url, reason: "the \(component) has no tensor \"\(name)\", which its architecture implies")
        }
        return shape
    }

    /// The dimension `axis` of `name`'s shape, which must have `rank` dimensions.
    func dimension(_ name: String, _ axis: Int, rank: Int, of component: String) throws(SingleFileError) -> Int {
        let found = try shape(name, of: component)
        guard found.count == rank else {
            throw .unsupportedArchitecture(url, reason: "tensor \"\(name)\" has shape \(found), expected \(rank) dimensions")
        }
        return found[axis]
    }

    /// The distinct values of the integer that follows `prefix` in the tensor names (`input_blocks.` → 0, 1, …).
    func indices(after prefix: String) -> [Int] {
        var found: Set<Int> = []
        for name in shapes.keys where name.hasPrefix(prefix) {
            if let index = Int(name.dropFirst(prefix.count).prefix { $0 != "." }) { found.insert(index) }
        }
        return found.sorted()
    }

    /// Whether any tensor's name starts with `prefix`.
    func hasTensors(under prefix: String) -> Bool {
        shapes.keys.contains { $0.hasPrefix(prefix) }
    }

    func unsupported(_ reason: String) -> SingleFileError {
        .unsupportedArchitecture(url, reason: reason)
    }
}
