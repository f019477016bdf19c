/// Everything a revision means: the settings and the layer stack.
public struct ProjectState: Equatable, Sendable {
    public var settings: ProjectSettings
    /// Stack order, bottom first.
    public var layers: [Layer]

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

    /// Validates every invariant: sizes positive and within `ParameterBounds`, 1 <= B < N <= 1000,
    /// a seed or a source image (not both), each layer's B < regenSteps <= N, guidance, strength, opacity and
    /// feather within `ParameterBounds` as Floats, names unique, non-empty, not numbers and free of control
    /// characters, well-formed blob hashes.
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
        if let problem = ParameterBounds.sizeProblem(width: width, height: height) { throw fail(problem) }
        guard ParameterBounds.steps.contains(steps) else {
            throw fail("steps \(steps) must be between \(ParameterBounds.steps.lowerBound) and \(ParameterBounds.steps.upperBound)")
        }
        guard blendSteps >= 1, blendSteps < steps else {
            throw fail("blend steps \(blendSteps) must be at least 1 and less than steps (\(steps))")
        }
        if let problem = ParameterBounds.floatProblem("guidance", guidance, in: ParameterBounds.guidance) {
            throw fail(problem)
        }
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
        if let problem = ParameterBounds.layerNameProblem(name) {
            // A name that cannot be printed as it is goes by the layer's id.
            let printable = !name.isEmpty && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
            throw printable ? fail(problem) : DocumentError.invalidParameter("\(id == 0 ? "new layer" : "layer \(id)"): \(problem)")
        }
        guard regenSteps > blendSteps, regenSteps <= steps else {
            throw fail("regen steps \(regenSteps) must be greater than blend steps (\(blendSteps)) "
                + "and at most steps (\(steps))")
        }
        for (field, value, range) in [("strength", strength, ParameterBounds.strength),
                                      ("guidance", guidance, ParameterBounds.guidance),
                                      ("opacity", opacity, ParameterBounds.opacity),
                                      ("feather", feather, ParameterBounds.feather)] {
            if let problem = ParameterBounds.floatProblem(field, value, in: range) { throw fail(problem) }
        }
        guard isSHA256Hex(maskSHA256) else { throw fail("mask hash '\(maskSHA256)' is not a hex SHA-256") }
    }
}

/// Whether `text` is 64 lowercase hexadecimal digits, the form every blob hash is stored in.
func isSHA256Hex(_ text: String) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}
