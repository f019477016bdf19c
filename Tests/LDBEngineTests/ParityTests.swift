import Foundation
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor
import Testing

/// The engine against `Fixtures/ldb/<case>.safetensors`, an independent implementation of docs/algorithm.md on diffusers
/// (`Fixtures/scripts/ldb_reference.py`): the base trajectory, the latent masks, each layer's result, the
/// composites and the finished latents in both orders and with L2 hidden, and the decoded picture.
@Suite struct ParityTests {
    /// The reference file of `name` with its metadata read as the project it describes.
    struct Case {
        let file: SafeTensorsFile

        init(_ name: String) throws {
            file = try SafeTensorsFile(contentsOf: EngineFixtures.fixtures.appendingPathComponent("ldb/\(name).safetensors"))
        }

        func text(_ key: String) throws -> String {
            try #require(file.metadata[key], "\(file.url.lastPathComponent) has no metadata \"\(key)\"")
        }

        func value<Value: LosslessStringConvertible>(_ key: String, as type: Value.Type = Value.self) throws -> Value {
            let text = try text(key)
            return try #require(Value(text), "metadata \"\(key)\" = \(text) is not a \(Value.self)")
        }

        /// The settings and source image of the case's project.
        func settings() throws -> (ProjectSettings, sourceImagePNG: Data?) {
            var settings = ProjectSettings(
                width: try value("width"), height: try value("height"), steps: try value("steps"),
                blendSteps: try value("blend_steps"), prompt: try text("prompt"),
                negativePrompt: try text("negative_prompt"), guidance: try value("guidance"))
            if try text("base") == "image" {
                return (settings, try Data(contentsOf: EngineFixtures.fixtures.appendingPathComponent(text("image"))))
            }
            settings.seed = try value("seed")
            return (settings, nil)
        }

        /// Layer `name` ("L1" or "L2") with its mask stored through `context`.
        func layer(_ name: String, _ context: ChangeContext) throws -> Layer {
            let mask = try Mask(png: EngineFixtures.fixtures.appendingPathComponent(text("\(name).mask")))
            return Layer(
                name: name, visible: try value("\(name).visible"), prompt: try text("\(name).prompt"),
                negativePrompt: try text("\(name).negative_prompt"), seed: try value("\(name).seed"),
                regenSteps: try value("\(name).regen_steps"), strength: try value("\(name).strength"),
                guidance: try value("\(name).guidance"), opacity: try value("\(name).opacity"),
                feather: try value("\(name).feather"), invert: try value("\(name).invert"),
                maskSHA256: try context.putBlob(Data(mask.bytes)))
        }

        func expectClose(_ ours: Tensor, _ key: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let reference = try file.tensor(key)
            #expect(ours.shape == reference.shape, "\(key): shape \(ours.shape)", sourceLocation: sourceLocation)
            let difference = zip(ours.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? .infinity
            let tolerance = 1e-4 * max(1, reference.scalars.map(abs).max() ?? 0)
            #expect(difference <= tolerance, "\(key): max difference \(difference) > \(tolerance)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: ["tiny-sd1-generated", "tiny-sd2-image"])
    func engineMatchesTheReference(name: String) throws {
        let reference = try Case(name)
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (settings, sourceImagePNG) = try reference.settings()
        let project = try EngineFixtures.project(
            in: folder, settings: settings,
            model: EngineFixtures.fixtures.appendingPathComponent(reference.text("model")),
            sourceImagePNG: sourceImagePNG)
        try project.commit("add L1 and L2") { state, context in
            state.layers = try ["L1", "L2"].map { try reference.layer($0, context) }
        }
        let engine = try Engine.open(project: project)

        for (index, latent) in try engine.baseTrajectory().enumerated() {
            try reference.expectClose(latent, "Z\(index)")
        }
        for layer in try project.state().layers {
            let mask = try engine.latentMask(for: layer)
            try reference.expectClose(Tensor(shape: [1, 1, mask.height, mask.width], scalars: mask.values),
                                      "mask_\(layer.name)")
            try reference.expectClose(engine.layerResult(layer), "R_\(layer.name)")
        }

        try reference.expectClose(engine.composite(), "composite_L1_L2")
        let bothLayers = try engine.render(keepBackground: false)
        try reference.expectClose(bothLayers.latent, "final_L1_L2")
        let decoded = try reference.file.tensor("decoded_L1_L2")
        let expectedImage = try RGBImage(width: settings.width, height: settings.height, tensorValues: decoded.scalars)
        let pixelDifference = zip(bothLayers.image.pixels, expectedImage.pixels).map { abs(Int($0) - Int($1)) }.max()
        #expect(pixelDifference ?? .max <= 1)

        try project.commit("L2 below L1") { $0.layers.reverse() }
        try reference.expectClose(engine.composite(), "composite_L2_L1")
        try reference.expectClose(engine.render(keepBackground: false).latent, "final_L2_L1")

        try project.commit("hide L2") { state in state.layers[try state.layerIndex("L2")].visible = false }
        try reference.expectClose(engine.composite(), "composite_L1")
        let onlyL1 = try engine.render(keepBackground: false)
        try reference.expectClose(onlyL1.latent, "final_L1")
        // Neither layer was computed again after the first render.
        #expect(onlyL1.stats.misses(.layerResult) == 0)
    }
}
