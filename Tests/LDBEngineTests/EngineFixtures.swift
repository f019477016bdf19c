import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor
import Testing

/// Projects in temporary folders on the tiny models of `Fixtures/models`, and helpers to edit and render them.
enum EngineFixtures {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static let width = 64
    static let height = 96
    /// Cells of the tests' latent, (64 / 8) × (96 / 8).
    static let latentCells = 8 * 12

    static func model(_ name: String) -> URL {
        fixtures.appendingPathComponent("models/\(name)")
    }

    /// A fresh empty folder; remove it with `FileManager.default.removeItem`.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("ldb-engine-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The settings of the tests' generated base: 64 × 96, N = 6, B = 2, guidance 7.5.
    static func generatedSettings(seed: UInt64 = 1234) -> ProjectSettings {
        ProjectSettings(width: width, height: height, steps: 6, blendSteps: 2, prompt: "a watercolor lighthouse",
                        negativePrompt: "blurry", guidance: 7.5, seed: seed)
    }

    /// A new project at `folder/name` with `settings` on `model` (a model folder).
    static func project(in folder: URL, name: String = "test.ldbproj", settings: ProjectSettings = generatedSettings(),
                        model: URL = model("tiny-sd1"), sourceImagePNG: Data? = nil) throws -> Project {
        try Project.create(
            at: folder.appendingPathComponent(name), settings: settings,
            model: ModelReference(location: model.path, fingerprint: ModelReference.fingerprint(of: model)),
            sourceImagePNG: sourceImagePNG)
    }

    /// A mask that is 255 inside the box and 0 elsewhere, at the tests' size.
    static func box(x: Int, y: Int, w: Int, h: Int, width: Int = width, height: Int = height) throws -> Mask {
        try Mask.rectangle(width: width, height: height, x: x, y: y, w: w, h: h)
    }

    /// Appends a layer with `mask`; parameters not given are the layer defaults.
    @discardableResult
    static func addLayer(_ project: Project, _ name: String, prompt: String, seed: UInt64, regenSteps: Int,
                         mask: Mask, configure: (inout Layer) -> Void = { _ in }) throws -> Layer {
        try project.commit("add layer \(name)") { state, context in
            var layer = Layer(name: name, prompt: prompt, seed: seed, regenSteps: regenSteps,
                              maskSHA256: try context.putBlob(Data(mask.bytes)))
            configure(&layer)
            state.layers.append(layer)
        }
        return try project.layer(name)
    }

    /// Two layers used by most tests, with overlapping boxes: "roof" (n = 4, top left) and "sky" (n = 5, below it).
    static func addTwoLayers(_ project: Project) throws {
        try addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 4, mask: box(x: 0, y: 0, w: 32, h: 40))
        try addLayer(project, "sky", prompt: "a starry night sky", seed: 22, regenSteps: 5,
                     mask: box(x: 16, y: 32, w: 40, h: 40)) { $0.negativePrompt = "daylight"; $0.guidance = 5 }
    }

    /// Changes the layer named `name` at HEAD in one commit.
    static func editLayer(_ project: Project, _ name: String, _ change: @escaping (inout Layer) -> Void) throws {
        try project.commit("edit \(name)") { state in
            let index = try state.layerIndex(name)
            change(&state.layers[index])
        }
    }

    /// A fresh engine on the project's model (as `ldb render` makes one per command).
    static func engine(_ project: Project) throws -> Engine {
        try Engine.open(project: project)
    }

    /// The native pipeline an engine opened on a model folder runs on.
    static func pipeline(_ engine: Engine) throws -> StableDiffusionPipeline {
        try #require(engine.backend as? StableDiffusionPipeline)
    }
}

extension RenderStats {
    /// The counts of a render at the tests' size (a 12 × 8 latent) that ran `unetCalls` guided steps (two samples
    /// each) on the whole latent and `vaeDecodes` decodes of the whole picture.
    static func guided(_ unetCalls: Int, decodes: Int, hits: [CacheKind: Int] = [:],
                       misses: [CacheKind: Int] = [:]) -> RenderStats {
        RenderStats(unetCalls: unetCalls, unetSamples: 2 * unetCalls,
                    unetCells: 2 * unetCalls * EngineFixtures.latentCells, vaeDecodes: decodes,
                    vaeDecodedPixels: decodes * EngineFixtures.width * EngineFixtures.height, cacheHits: hits,
                    cacheMisses: misses)
    }
}
