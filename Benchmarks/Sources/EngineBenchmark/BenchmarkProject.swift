import Foundation
import LDBDocument

/// The generated project the benchmark edits: a base prompt and `layers` overlapping box layers with distinct
/// prompts and seeds, all with the same n.
enum BenchmarkProject {
    static let basePrompt = "a harbour town at dusk, oil painting"
    static let baseSeed: UInt64 = 1234
    static let layerPrompts = [
        "a red hot-air balloon", "a white lighthouse", "a sailing boat with patched sails", "a flock of seagulls",
        "a full moon behind clouds", "a wooden pier with lanterns", "a green tram", "a stone bridge",
    ]

    /// Creates the project at `url`, one commit per layer as the command line adds them.
    static func create(at url: URL, options: BenchmarkOptions) throws -> Project {
        let settings = ProjectSettings(width: options.width, height: options.height, steps: options.steps,
                                       blendSteps: options.blendSteps, prompt: basePrompt, negativePrompt: "",
                                       guidance: 7.5, seed: baseSeed, keepBackground: false)
        let model = ModelReference(location: options.model.path,
                                   fingerprint: try ModelReference.fingerprint(of: options.model))
        let project = try Project.create(at: url, settings: settings, model: model, sourceImagePNG: nil)
        for index in 0..<options.layers {
            try addLayer(to: project, index: index, seed: 100 + UInt64(index), options: options)
        }
        return project
    }

    /// Commits a new top layer whose box is the `index`-th of the diagonal of overlapping boxes.
    static func addLayer(to project: Project, index: Int, seed: UInt64, prompt: String? = nil,
                         options: BenchmarkOptions) throws {
        let mask = boxMask(index: index, width: options.width, height: options.height)
        try project.commit { state, context in
            let name = "layer \(state.layers.count + 1)"
            state.layers.append(Layer(
                name: name, prompt: prompt ?? layerPrompts[index % layerPrompts.count], seed: seed,
                regenSteps: options.regenSteps, maskSHA256: try context.putBlob(mask)))
            return "add layer \"\(name)\""
        }
    }

    /// A box of 40 % of each side, stepped along the diagonal by 12 % and 10 % so that neighbours overlap.
    static func boxMask(index: Int, width: Int, height: Int) -> Data {
        let boxWidth = max(1, width * 2 / 5), boxHeight = max(1, height * 2 / 5)
        let left = min(width - boxWidth, width * (10 + 12 * (index % 5)) / 100)
        let top = min(height - boxHeight, height * (15 + 10 * (index % 5)) / 100)
        var bytes = [UInt8](repeating: 0, count: width * height)
        for y in top..<(top + boxHeight) {
            for x in left..<(left + boxWidth) { bytes[y * width + x] = 255 }
        }
        return Data(bytes)
    }
}
