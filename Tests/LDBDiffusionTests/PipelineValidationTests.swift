import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// Requests the pipeline cannot run fail with errors that say why, before any UNet evaluation; the model
/// folder's weight variants load as diffusers loads them.
@Suite struct PipelineValidationTests {
    @Test(arguments: [(60, 64), (64, 0), (65, 96), (-8, 64)])
    func imageSizesMustBeMultiplesOfTheLatentFactor(width: Int, height: Int) throws {
        let pipeline = try PipelineFixtures.pipeline("tiny-sd1")
        let expected = PipelineError.invalidImageSize(width: width, height: height, latentFactor: 8)
        #expect(throws: expected) {
            _ = try pipeline.baseTrajectory(prompt: "", guidance: 7.5, seed: 0, steps: 2, width: width, height: height)
        }
        #expect(expected.description.contains("\(width)×\(height)"))
        #expect(expected.description.contains("multiples of the latent factor 8"))
        if width > 0, height > 0 {
            #expect(throws: expected) {
                _ = try pipeline.inversionTrajectory(image: Tensor(shape: [1, 3, height, width]), steps: 2)
            }
        }
        #expect(pipeline.evaluations == UNetEvaluations())
    }

    @Test(arguments: [0, -1, 1001])
    func stepCountsMustBeInTheSchedulersRange(steps: Int) throws {
        let pipeline = try PipelineFixtures.pipeline("tiny-sd2")
        let expected = PipelineError.invalidStepCount(steps, allowed: 1...1000)
        #expect(throws: expected) {
            _ = try pipeline.baseTrajectory(prompt: "", guidance: 1, seed: 0, steps: steps, width: 64, height: 64)
        }
        #expect(throws: expected) {
            _ = try pipeline.inversionTrajectory(image: Tensor(shape: [1, 3, 64, 64]), steps: steps)
        }
        #expect(throws: expected) {
            _ = try pipeline.denoise(latent: Tensor(shape: [1, 4, 8, 8]), steps: 0..<1, totalSteps: steps,
                                     conditional: Tensor(shape: [1, 77, 32]), unconditional: nil, guidance: 1)
        }
        #expect(expected.description == "\(steps) denoising steps is out of range: the scheduler runs 1 to 1000 steps")
        #expect(pipeline.evaluations == UNetEvaluations())
    }

    @Test func denoisingRangeMustLieWithinTheSchedule() throws {
        let pipeline = try PipelineFixtures.pipeline("tiny-sd1")
        let conditional = try pipeline.textEmbeddings("a cat")
        for range in [4..<7, -1..<2, 7..<7] {
            #expect(throws: PipelineError.invalidStepRange(range, total: 6)) {
                _ = try pipeline.denoise(latent: randn([1, 4, 8, 8], seed: 1), steps: range, totalSteps: 6,
                                         conditional: conditional, unconditional: nil, guidance: 1)
            }
        }
        #expect(PipelineError.invalidStepRange(4..<7, total: 6).description
                == "steps 4..<7 are not within the 6 steps of the schedule (0..<6)")
        #expect(throws: PipelineError.self) {
            _ = try pipeline.denoise(latent: Tensor(shape: [1, 3, 8, 8]), steps: 0..<0, totalSteps: 6,
                                     conditional: conditional, unconditional: nil, guidance: 1)
        }
        #expect(pipeline.evaluations == UNetEvaluations())
    }

    @Test func inversionTakesOneImage() throws {
        let pipeline = try PipelineFixtures.pipeline("tiny-sd1")
        for shape in [[2, 3, 64, 64], [1, 4, 64, 64], [3, 64, 64]] {
            #expect(throws: PipelineError.invalidShape(name: "image", shape: shape, expected: "[1, 3, H, W]")) {
                _ = try pipeline.inversionTrajectory(image: Tensor(shape: shape), steps: 2)
            }
        }
        #expect(pipeline.evaluations == UNetEvaluations())
    }

    /// tiny-sd1 has fp16 text-encoder and UNet files but no fp16 VAE: as in diffusers, the VAE loads its
    /// full-precision weights.
    @Test func halfPrecisionVariantLoadsWhereItExists() throws {
        let pipeline = try PipelineFixtures.pipeline("tiny-sd1", variant: "fp16")
        let reference = try ModelFolderFixtures.reference("tiny-sd1", "unet_fp16")
        let timesteps = try reference.int64s("timestep").map { Float($0) }
        let output = try pipeline.unet(sample: reference.tensor("sample"), timesteps: timesteps,
                                       encoderHiddenStates: reference.tensor("encoder_hidden_states"))
        PipelineFixtures.expectClose(output, try reference.tensor("out"), "fp16 UNet")

        let full = try PipelineFixtures.pipeline("tiny-sd1")
        let decode = try ModelFolderFixtures.reference("tiny-sd1", "vae_decode")
        let latent = try decode.tensor("latent")
        #expect(try pipeline.autoencoder.decode(latent) == full.autoencoder.decode(latent))
    }

    @Test func missingVariantIsAnError() throws {
        for (model, variant) in [("tiny-sd2", "fp16"), ("tiny-sd1", "bf16")] {
            let folder = ModelFolderFixtures.model(model)
            #expect(throws: PipelineError.variantNotFound(variant, folder: folder)) {
                _ = try StableDiffusionPipeline(model: ModelFolder(url: folder), variant: variant)
            }
        }
    }
}
