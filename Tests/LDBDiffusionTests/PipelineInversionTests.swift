import Foundation
import LDBImage
import LDBTensor
import Testing
@testable import LDBDiffusion

/// DDIM inversion X[0...N] of docs/algorithm.md against diffusers (`invert.safetensors`), starting from the PNG the
/// reference was made from (`invert_image.png`).
@Suite struct PipelineInversionTests {
    /// The reference image read from its PNG as `[1, 3, H, W]` in [-1, 1].
    private func image(_ model: String) throws -> Tensor {
        let png = try RGBImage(png: ModelFolderFixtures.root.appendingPathComponent("reference/\(model)/invert_image.png"))
        return Tensor(shape: [1, 3, png.height, png.width], scalars: png.tensorValues())
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func inversionTrajectoryMatchesDiffusers(model: String) throws {
        let pipeline = try PipelineFixtures.pipeline(model)
        let reference = try ModelFolderFixtures.reference(model, "invert")
        let steps: Int = try PipelineFixtures.metadata(reference, "steps")
        let image = try image(model)
        #expect(image == (try reference.tensor("image", shape: [1, 3, 64, 96])))

        var reported: [[Int]] = []
        let trajectory = try pipeline.inversionTrajectory(image: image,
                                                          prompt: PipelineFixtures.metadata(reference, "prompt"),
                                                          steps: steps, progress: { reported.append([$0, $1]) })
        try #require(trajectory.count == steps + 1)
        for (index, latent) in trajectory.enumerated() {
            PipelineFixtures.expectClose(latent, try reference.tensor("X\(index)", shape: [1, 4, 8, 12]), "\(model) X\(index)")
        }
        #expect(reported == (1...steps).map { [$0, steps] })
        // Guidance 1: one UNet call of one sample per step.
        #expect(pipeline.evaluations == UNetEvaluations(calls: steps, samples: steps))
    }

    /// X0 is the VAE's mean (not a sample) times the scaling factor.
    @Test func encodeScalesTheMean() throws {
        let pipeline = try PipelineFixtures.pipeline("tiny-sd1")
        let reference = try ModelFolderFixtures.reference("tiny-sd1", "vae_encode")
        let image = try reference.tensor("image")
        let latent = try pipeline.encode(image: image)
        PipelineFixtures.expectClose(latent, try reference.tensor("mean") * 0.18215, "scaled mean")
        #expect(latent == (try pipeline.autoencoder.encode(image).mean) * 0.18215)
        #expect(pipeline.scalingFactor == 0.18215)
        #expect(pipeline.latentFactor == 8)
    }
}
