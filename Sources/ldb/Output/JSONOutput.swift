import Foundation
import LDBDocument

/// Prints a value as pretty, key-sorted JSON on standard output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// `ldb info --json`.
struct ProjectInfoJSON: Encodable {
    var formatVersion: Int
    var head: Int64
    var width: Int, height: Int
    var steps: Int, blendSteps: Int
    var prompt: String, negativePrompt: String
    var guidance: Double
    var seed: UInt64?
    var layers: [LayerJSON]

    init(formatVersion: Int, head: Int64, state: ProjectState) {
        let settings = state.settings
        self.formatVersion = formatVersion
        self.head = head
        (width, height) = (settings.width, settings.height)
        (steps, blendSteps) = (settings.steps, settings.blendSteps)
        (prompt, negativePrompt) = (settings.prompt, settings.negativePrompt)
        guidance = settings.guidance
        seed = settings.seed
        layers = state.layers.map(LayerJSON.init)
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", head, width, height, steps, blendSteps = "blend_steps"
        case prompt, negativePrompt = "negative_prompt", guidance, seed, layers
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(formatVersion, forKey: .formatVersion)
        try container.encode(head, forKey: .head)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(steps, forKey: .steps)
        try container.encode(blendSteps, forKey: .blendSteps)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(negativePrompt, forKey: .negativePrompt)
        try container.encode(guidance, forKey: .guidance)
        try container.encode(seed, forKey: .seed)  // null for a real-image project
        try container.encode(layers, forKey: .layers)
    }
}

/// One layer in `info --json` and `layer list --json`.
struct LayerJSON: Encodable {
    var id: Int64
    var name: String
    var visible: Bool
    var prompt: String, negativePrompt: String
    var seed: UInt64
    var regenSteps: Int
    var strength: Double, guidance: Double, opacity: Double, feather: Double
    var invert: Bool
    var maskSHA256: String

    init(_ layer: Layer) {
        (id, name, visible) = (layer.id, layer.name, layer.visible)
        (prompt, negativePrompt) = (layer.prompt, layer.negativePrompt)
        (seed, regenSteps) = (layer.seed, layer.regenSteps)
        (strength, guidance, opacity, feather) = (layer.strength, layer.guidance, layer.opacity, layer.feather)
        (invert, maskSHA256) = (layer.invert, layer.maskSHA256)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, visible, prompt, negativePrompt = "negative_prompt", seed, regenSteps = "regen_steps"
        case strength, guidance, opacity, feather, invert, maskSHA256 = "mask_sha256"
    }
}

/// `ldb history --json`.
struct HistoryJSON: Encodable {
    struct RevisionJSON: Encodable {
        var id: Int64
        var parent: Int64?
        var description: String
        var createdAt: Date
        var tags: [String]

        enum CodingKeys: String, CodingKey {
            case id, parent, description, createdAt = "created_at", tags
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(parent, forKey: .parent)  // null for the root
            try container.encode(description, forKey: .description)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(tags, forKey: .tags)
        }
    }

    var head: Int64
    var revisions: [RevisionJSON]

    init(head: Int64, revisions: [Revision]) {
        self.head = head
        self.revisions = revisions.map {
            RevisionJSON(id: $0.id, parent: $0.parent, description: $0.description,
                         createdAt: $0.createdAt, tags: $0.tags)
        }
    }
}
