import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor
import Testing

/// The engine's base trajectory is the pipeline's (itself checked against diffusers), bit for bit.
@Suite struct BaseTrajectoryTests {
    @Test func generatedBaseIsThePipelinesTrajectory() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let settings = EngineFixtures.generatedSettings(seed: 77)
        let engine = try EngineFixtures.engine(try EngineFixtures.project(in: folder, settings: settings))
        let expected = try EngineFixtures.pipeline(engine).baseTrajectory(
            prompt: settings.prompt, negativePrompt: settings.negativePrompt, guidance: settings.guidance,
            seed: 77, steps: 6, width: settings.width, height: settings.height)
        #expect(try engine.baseTrajectory() == expected)
    }

    @Test func realImageBaseIsTheReversedInversion() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sourceURL = EngineFixtures.fixtures.appendingPathComponent("reference/tiny-sd2/invert_image.png")
        let settings = ProjectSettings(width: 96, height: 64, steps: 6, blendSteps: 2, prompt: "a photo", guidance: 1)
        let project = try EngineFixtures.project(in: folder, settings: settings, model: EngineFixtures.model("tiny-sd2"),
                                                 sourceImagePNG: Data(contentsOf: sourceURL))
        let engine = try EngineFixtures.engine(project)
        let image = try RGBImage(png: sourceURL)
        let inverted = try EngineFixtures.pipeline(engine).inversionTrajectory(
            image: Tensor(shape: [1, 3, 64, 96], scalars: image.tensorValues()), prompt: "a photo", steps: 6)
        #expect(try engine.baseTrajectory() == Array(inverted.reversed()))
    }

    @Test func aSourceImageOfAnotherSizeIsRefused() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sourceURL = EngineFixtures.fixtures.appendingPathComponent("reference/tiny-sd2/invert_image.png")
        let settings = ProjectSettings(width: 64, height: 96, steps: 6, blendSteps: 2, prompt: "a photo", guidance: 1)
        let project = try EngineFixtures.project(in: folder, settings: settings, model: EngineFixtures.model("tiny-sd2"),
                                                 sourceImagePNG: Data(contentsOf: sourceURL))
        #expect(throws: EngineError.sourceImageSizeMismatch(width: 96, height: 64, expectedWidth: 64, expectedHeight: 96)) {
            try EngineFixtures.engine(project).render()
        }
    }
}
