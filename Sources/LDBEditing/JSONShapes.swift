import Foundation
import LDBDocument

// The JSON that `ldb … --json` prints, and that a server sends, so that the two cannot drift apart. Keys are
// snake_case; absent values are written as null rather than left out.

/// One layer, as in `ldb layer list --json` and `ldb info --json`.
public struct LayerJSON: Codable, Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var visible: Bool
    public var prompt: String, negativePrompt: String
    public var seed: UInt64
    public var regenSteps: Int
    public var strength: Double, guidance: Double, opacity: Double, feather: Double
    public var invert: Bool
    public var maskSHA256: String

    public init(_ layer: Layer) {
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

/// A project's model, as recorded: where it is, the fingerprint of its files, and a prediction type given at
/// `ldb new` (null when the model's files say).
public struct ModelJSON: Codable, Equatable, Sendable {
    public var location: String
    public var fingerprint: String
    public var predictionType: String?

    public init(_ model: ModelReference) {
        (location, fingerprint, predictionType) = (model.location, model.fingerprint, model.predictionType)
    }

    enum CodingKeys: String, CodingKey {
        case location, fingerprint, predictionType = "prediction_type"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(location, forKey: .location)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(predictionType, forKey: .predictionType)
    }
}

/// `ldb info --json`: everything the text shows.
public struct ProjectInfoJSON: Codable, Equatable, Sendable {
    public var project: String
    public var formatVersion: Int
    public var head: Int64
    public var headDescription: String
    public var width: Int, height: Int
    public var steps: Int, blendSteps: Int
    public var prompt: String, negativePrompt: String
    public var guidance: Double
    /// The seed of a generated base; null for a real-image project.
    public var seed: UInt64?
    /// The SHA-256 of the source PNG of a real-image project; null for a generated one.
    public var sourceImageSHA256: String?
    public var keepBackground: Bool
    /// Full or crop mode (docs/algorithm.md, "Region mode").
    public var region: RegionMode
    /// The margin c of crop mode's windows, in latent cells.
    public var regionMargin: Int
    public var model: ModelJSON
    public var layers: [LayerJSON]

    public init(project: String, formatVersion: Int, head: Revision, state: ProjectState, model: ModelReference) {
        let settings = state.settings
        self.project = project
        self.formatVersion = formatVersion
        (self.head, headDescription) = (head.id, head.description)
        (width, height) = (settings.width, settings.height)
        (steps, blendSteps) = (settings.steps, settings.blendSteps)
        (prompt, negativePrompt) = (settings.prompt, settings.negativePrompt)
        guidance = settings.guidance
        (seed, sourceImageSHA256) = (settings.seed, settings.sourceImageSHA256)
        keepBackground = settings.keepBackground
        (region, regionMargin) = (settings.region, settings.regionMargin)
        self.model = ModelJSON(model)
        layers = state.layers.map(LayerJSON.init)
    }

    enum CodingKeys: String, CodingKey {
        case project, formatVersion = "format_version", head, headDescription = "head_description"
        case width, height, steps, blendSteps = "blend_steps"
        case prompt, negativePrompt = "negative_prompt", guidance, seed, sourceImageSHA256 = "source_image_sha256"
        case keepBackground = "keep_background", region, regionMargin = "region_margin", model, layers
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(project, forKey: .project)
        try container.encode(formatVersion, forKey: .formatVersion)
        try container.encode(head, forKey: .head)
        try container.encode(headDescription, forKey: .headDescription)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(steps, forKey: .steps)
        try container.encode(blendSteps, forKey: .blendSteps)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(negativePrompt, forKey: .negativePrompt)
        try container.encode(guidance, forKey: .guidance)
        try container.encode(seed, forKey: .seed)
        try container.encode(sourceImageSHA256, forKey: .sourceImageSHA256)
        try container.encode(keepBackground, forKey: .keepBackground)
        try container.encode(region, forKey: .region)
        try container.encode(regionMargin, forKey: .regionMargin)
        try container.encode(model, forKey: .model)
        try container.encode(layers, forKey: .layers)
    }
}

/// `ldb history --json`: every revision and which one is HEAD.
public struct HistoryJSON: Codable, Equatable, Sendable {
    public struct RevisionJSON: Codable, Equatable, Sendable {
        public var id: Int64
        /// Null for the first revision.
        public var parent: Int64?
        public var description: String
        public var createdAt: Date
        public var tags: [String]

        public init(_ revision: Revision) {
            (id, parent, description) = (revision.id, revision.parent, revision.description)
            (createdAt, tags) = (revision.createdAt, revision.tags)
        }

        enum CodingKeys: String, CodingKey {
            case id, parent, description, createdAt = "created_at", tags
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(parent, forKey: .parent)
            try container.encode(description, forKey: .description)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(tags, forKey: .tags)
        }
    }

    public var head: Int64
    public var revisions: [RevisionJSON]

    public init(head: Int64, revisions: [Revision]) {
        self.head = head
        self.revisions = revisions.map(RevisionJSON.init)
    }
}

/// `ldb tag P --list --json`.
public struct TagJSON: Codable, Equatable, Sendable {
    public var name: String
    public var revision: Int64

    public init(_ tag: Project.TagEntry) {
        (name, revision) = (tag.name, tag.revision)
    }
}

extension JSONEncoder {
    /// The encoder of every `--json` output: pretty, keys sorted, slashes unescaped, dates in ISO 8601.
    public static var ldb: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
