/// Everything a revision means: the settings and the layer stack.
public struct ProjectState: Equatable, Sendable {
    public var settings: ProjectSettings
    /// Stack order, bottom first.
    public var layers: [Layer]

    /// Largest number of denoising steps a project may use.
    public static let maximumSteps = 1000

    public init(settings: ProjectSettings, layers: [Layer] = []) {
        self.settings = settings
        self.layers = layers
    }

    /// The index in `layers` of the layer with the stable id (decimal) or the unique name `reference`.
    /// - Throws: `DocumentError.layerNotFound`.
    public func layerIndex(_ reference: String) throws -> Int {
        let index = Int64(reference).flatMap { id in layers.firstIndex { $0.id == id } }
            ?? layers.firstIndex { $0.name == reference }
        guard let index else { throw DocumentError.layerNotFound(reference) }
        return index
    }

    /// Validates every invariant: sizes positive and multiples of 8, 1 <= B < N <= 1000, a seed or a source
    /// image (not both), each layer's B < regenSteps <= N, strength >= 0, guidance >= 0, opacity in [0, 1],
    /// feather >= 0, names unique, non-empty and not numbers, finite numbers, well-formed blob hashes.
    /// - Throws: `DocumentError.invalidParameter` naming the layer and field, or `.duplicateLayerName`.
    public func validate() throws {
        try settings.validate()
        var names = Set<String>()
        for layer in layers {
            try layer.validate(steps: settings.steps, blendSteps: settings.blendSteps)
            guard names.insert(layer.name).inserted else { throw DocumentError.duplicateLayerName(layer.name) }
        }
    }
}

extension ProjectSettings {
    func validate() throws {
        func fail(_ message: String) -> DocumentError { .invalidParameter("project \(message)") }
        for (field, value) in [("width", width), ("height", height)] where value <= 0 || value % 8 != 0 {
            throw fail("\(field) \(value) must be a positive multiple of 8")
        }
        guard steps >= 2, steps <= ProjectState.maximumSteps else {
            throw fail("steps \(steps) must be between 2 and \(ProjectState.maximumSteps)")
        }
        guard blendSteps >= 1, blendSteps < steps else {
            throw fail("blend steps \(blendSteps) must be at least 1 and less than steps (\(steps))")
        }
        guard guidance.isFinite, guidance >= 0 else { throw fail("guidance \(guidance) must be a finite number >= 0") }
        guard (0...Self.maximumRegionMargin).contains(regionMargin) else {
            throw fail("region margin \(regionMargin) must be between 0 and \(Self.maximumRegionMargin) latent cells")
        }
        switch (seed, sourceImageSHA256) {
        case (nil, nil):
            throw fail("needs a seed (generated base) or a source image (real-image base)")
        case (.some, .some):
            throw fail("has both a seed and a source image; a base is either generated or a real image")
        case (nil, .some(let sha256)):
            guard isSHA256Hex(sha256) else { throw fail("source image hash '\(sha256)' is not a hex SHA-256") }
        case (.some, nil):
            break
        }
    }
}

extension Layer {
    func validate(steps: Int, blendSteps: Int) throws {
        func fail(_ message: String) -> DocumentError { .invalidParameter("layer '\(name)': \(message)") }
        guard !name.isEmpty else { throw DocumentError.invalidParameter("layer \(id): name must not be empty") }
        guard Int64(name) == nil else {
            throw fail("name must not be a number (numbers refer to layer ids)")
        }
        guard regenSteps > blendSteps, regenSteps <= steps else {
            throw fail("regen steps \(regenSteps) must be greater than blend steps (\(blendSteps)) "
                + "and at most steps (\(steps))")
        }
        guard strength.isFinite, strength >= 0 else { throw fail("strength \(strength) must be a finite number >= 0") }
        guard guidance.isFinite, guidance >= 0 else { throw fail("guidance \(guidance) must be a finite number >= 0") }
        guard opacity.isFinite, opacity >= 0, opacity <= 1 else { throw fail("opacity \(opacity) must be in [0, 1]") }
        guard feather.isFinite, feather >= 0 else { throw fail("feather \(feather) must be a finite number >= 0") }
        guard isSHA256Hex(maskSHA256) else { throw fail("mask hash '\(maskSHA256)' is not a hex SHA-256") }
    }
}

/// Whether `text` is 64 lowercase hexadecimal digits, the form every blob hash is stored in.
func isSHA256Hex(_ text: String) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}
