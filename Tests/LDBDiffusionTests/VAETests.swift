import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// `AutoencoderKL` against diffusers' on the tiny models (`Fixtures/reference/*/vae_{encode,decode}.safetensors`).
@Suite struct VAETests {
    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func encodeMatchesDiffusers(model: String) throws {
        let vae = try ModelFolder(url: ModelFolderFixtures.model(model)).autoencoder()
        let reference = try ModelFolderFixtures.reference(model, "vae_encode")
        let image = try reference.tensor("image", shape: [1, 3, 64, 96])
        let (mean, logVariance) = try vae.encode(image)
        for (name, ours) in [("mean", mean), ("logvar", logVariance)] {
            let expected = try reference.tensor(name, shape: [1, 4, 8, 12])
            #expect(ours.shape == expected.shape)
            let (difference, tolerance) = ModelFolderFixtures.deviation(ours, expected)
            #expect(difference <= tolerance, "\(model) \(name): max difference \(difference)")
        }
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func decodeMatchesDiffusers(model: String) throws {
        let vae = try ModelFolder(url: ModelFolderFixtures.model(model)).autoencoder()
        let reference = try ModelFolderFixtures.reference(model, "vae_decode")
        let sample = try vae.decode(reference.tensor("latent", shape: [1, 4, 8, 12]))
        let expected = try reference.tensor("sample", shape: [1, 3, 64, 96])
        #expect(sample.shape == expected.shape)
        let (difference, tolerance) = ModelFolderFixtures.deviation(sample, expected)
        #expect(difference <= tolerance, "\(model): max difference \(difference)")
    }

    /// The base trajectory's final latent, decoded at 64×96 (taller than wide), as the pipeline does.
    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func decodesTheSampledLatentOfThePipeline(model: String) throws {
        let vae = try ModelFolder(url: ModelFolderFixtures.model(model)).autoencoder()
        let reference = try ModelFolderFixtures.reference(model, "sample")
        let latent = try reference.tensor("Z6", shape: [1, 4, 12, 8])
        let image = try vae.decode(latent / vae.configuration.scalingFactor)
        let expected = try reference.tensor("decoded", shape: [1, 3, 96, 64])
        let (difference, tolerance) = ModelFolderFixtures.deviation(image, expected)
        #expect(difference <= tolerance, "\(model): max difference \(difference)")
    }

    @Test func rejectsInputsOfTheWrongShape() throws {
        let vae = try ModelFolder(url: ModelFolderFixtures.model("tiny-sd1")).autoencoder()
        for (image, mentions) in [(Tensor(shape: [1, 3, 60, 64]), "multiple of 8"),
                                  (Tensor(shape: [1, 4, 64, 64]), "[1, 4, 64, 64]"),
                                  (Tensor(shape: [3, 64, 64]), "[3, 64, 64]")] {
            #expect {
                _ = try vae.encode(image)
            } throws: { error in
                (error as? ModelError)?.description.contains(mentions) ?? false
            }
        }
        for latent in [Tensor(shape: [1, 3, 8, 8]), Tensor(shape: [1, 4, 0, 8]), Tensor(shape: [4, 8, 8])] {
            #expect(throws: ModelError.self) { _ = try vae.decode(latent) }
        }
    }
}
