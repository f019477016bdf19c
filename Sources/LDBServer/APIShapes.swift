import Foundation
import LDBDocument

// The JSON the API answers with. Field names and values follow `ldb info --json`, `ldb layer list --json` and
// `ldb history --json`; `openapi.json` describes them.

/// One layer, as `ldb layer list --json` prints it.
struct LayerShape: Encodable {
    var layer: Layer

    enum CodingKeys: String, CodingKey {
        case id, name, visible, prompt, negativePrompt = "negative_prompt", seed, regenSteps = "regen_steps"
        case strength, guidance, opacity, feather, invert, maskSHA256 = "mask_sha256"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layer.id, forKey: .id)
        try container.encode(layer.name, forKey: .name)
        try container.encode(layer.visible, forKey: .visible)
        try container.encode(layer.prompt, forKey: .prompt)
        try container.encode(layer.negativePrompt, forKey: .negativePrompt)
        try container.encode(layer.seed, forKey: .seed)
        try container.encode(layer.regenSteps, forKey: .regenSteps)
        try container.encode(layer.strength, forKey: .strength)
        try container.encode(layer.guidance, forKey: .guidance)
        try container.encode(layer.opacity, forKey: .opacity)
        try container.encode(layer.feather, forKey: .feather)
        try container.encode(layer.invert, forKey: .invert)
        try container.encode(layer.maskSHA256, forKey: .maskSHA256)
    }
}

/// A project's settings and layers at HEAD, as `ldb info --json` prints them, with the project's name.
struct ProjectShape: Encodable {
    var name: String
    var head: Int64
    var state: ProjectState

    enum CodingKeys: String, CodingKey {
        case name, head, width, height, steps, blendSteps = "blend_steps", prompt, negativePrompt = "negative_prompt"
        case guidance, seed, keepBackground = "keep_background", sourceImage = "source_image", layers
    }

    func encode(to encoder: any Encoder) throws {
        let settings = state.settings
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(head, forKey: .head)
        try container.encode(settings.width, forKey: .width)
        try container.encode(settings.height, forKey: .height)
        try container.encode(settings.steps, forKey: .steps)
        try container.encode(settings.blendSteps, forKey: .blendSteps)
        try container.encode(settings.prompt, forKey: .prompt)
        try container.encode(settings.negativePrompt, forKey: .negativePrompt)
        try container.encode(settings.guidance, forKey: .guidance)
        try container.encode(settings.seed, forKey: .seed)  // null for a real-image project
        try container.encode(settings.keepBackground, forKey: .keepBackground)
        try container.encode(settings.sourceImageSHA256 != nil, forKey: .sourceImage)
        try container.encode(state.layers.map(LayerShape.init), forKey: .layers)
    }
}

/// One revision, as `ldb history --json` prints it.
struct RevisionShape: Encodable {
    var revision: Revision

    enum CodingKeys: String, CodingKey {
        case id, parent, description, createdAt = "created_at", tags
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(revision.id, forKey: .id)
        try container.encode(revision.parent, forKey: .parent)  // null for the root
        try container.encode(revision.description, forKey: .description)
        try container.encode(revision.createdAt, forKey: .createdAt)
        try container.encode(revision.tags, forKey: .tags)
    }
}

/// The journal: HEAD and every revision, oldest first.
struct HistoryShape: Encodable {
    var head: Int64
    var revisions: [RevisionShape]
}

/// The answer to every change: what it did (nil when nothing changed) and the project afterwards.
struct ChangeShape: Encodable {
    var description: String?
    var project: ProjectShape

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(description, forKey: .description)
        try container.encode(project, forKey: .project)
    }

    enum CodingKeys: String, CodingKey { case description, project }
}

/// The list of reachable projects.
struct ProjectListShape: Encodable {
    var projects: [String]
    var canCreate: Bool

    enum CodingKeys: String, CodingKey { case projects, canCreate = "can_create" }
}
