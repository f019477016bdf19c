import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// Networks loaded with `WeightPrecision.float16` keep their weights rounded to binary16 and compute in float32,
/// so they must give exactly what the model's fp16 files give loaded in float32. tiny-sd1's fp16 variant files
/// were written by PyTorch (`.half()`), so these checks also hold our rounding to PyTorch's, weight by weight.
@Suite struct HalfPrecisionWeightsTests {
    private static var tinySD1: ModelFolder {
        get throws { try ModelFolder(url: ModelFolderFixtures.model("tiny-sd1")) }
    }

    private static func unetInputs(_ model: String) throws -> (sample: Tensor, timesteps: [Float], context: Tensor) {
        let reference = try ModelFolderFixtures.reference(model, "unet")
        return (try reference.tensor("sample", shape: [2, 4, 8, 12]), try reference.int64s("timestep").map { Float($0) },
                try reference.tensor("encoder_hidden_states", shape: [2, 77, 32]))
    }

    /// A temporary copy of `file`'s tensors stored as F16, rounded by the writer (`Float.float16Bits`).
    private static func float16Copy(of file: URL) throws -> URL {
        let source = try SafeTensorsFile(contentsOf: file)
        let tensors = try Dictionary(uniqueKeysWithValues: source.tensorNames.map { ($0, try source.tensor($0)) })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-half-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent(file.lastPathComponent)
        try SafeTensorsWriter.write(tensors, dtype: .float16, to: copy)
        return copy
    }

    @Test func unetFromFloat32FilesEqualsTheFP16FilesInFloat32() throws {
        let (sample, timesteps, context) = try Self.unetInputs("tiny-sd1")
        let half = try Self.tinySD1.unet(precision: .float16)
        let fp16Files = try Self.tinySD1.unet(variant: "fp16")
        let output = try half(sample: sample, timesteps: timesteps, encoderHiddenStates: context)
        #expect(output == (try fp16Files(sample: sample, timesteps: timesteps, encoderHiddenStates: context)))
        // Rounding the weights moved the output: the option really computes with other weights.
        let float32 = try Self.tinySD1.unet()(sample: sample, timesteps: timesteps, encoderHiddenStates: context)
        #expect(output != float32)
        // The fp16 files kept in half precision keep their bits: no second rounding.
        let fp16Half = try Self.tinySD1.unet(variant: "fp16", precision: .float16)
        #expect(try fp16Half(sample: sample, timesteps: timesteps, encoderHiddenStates: context) == output)
    }

    @Test func textEncoderFromFloat32FilesEqualsTheFP16FilesInFloat32() throws {
        let reference = try ModelFolderFixtures.reference("tiny-sd1", "text_encoder")
        let half = try Self.tinySD1.textEncoder(precision: .float16)
        let fp16Files = try Self.tinySD1.textEncoder(variant: "fp16")
        for index in 0..<2 {
            let ids = try reference.int64s("input_ids.\(index)").map { Int($0) }
            #expect(try half.encode([ids]) == (try fp16Files.encode([ids])), "prompt \(index)")
        }
    }

    /// tiny-sd1 has no fp16 VAE, so the test writes one.
    @Test func vaeFromFloat32FilesEqualsItsFP16CopyInFloat32() throws {
        let folder = try Self.tinySD1
        let copy = try Self.float16Copy(of: folder.weightFiles(component: "vae")[0])
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let fp16File = try AutoencoderKL(configuration: folder.vaeConfiguration, weights: SafeTensorsWeights(file: copy))
        let half = try folder.autoencoder(precision: .float16)

        let latent = try ModelFolderFixtures.reference("tiny-sd1", "vae_decode").tensor("latent", shape: [1, 4, 8, 12])
        #expect(try half.decode(latent) == (try fp16File.decode(latent)))
        let image = try ModelFolderFixtures.reference("tiny-sd1", "vae_encode").tensor("image", shape: [1, 3, 64, 96])
        let (mean, logVariance) = try half.encode(image)
        let (expectedMean, expectedLogVariance) = try fp16File.encode(image)
        #expect(mean == expectedMean && logVariance == expectedLogVariance)
    }

    /// tiny-sd1's single file stores the UNet and text encoder in F16 (kept bit for bit) and the VAE in F32;
    /// tiny-sd2's stores F32 and fuses OpenCLIP's q, k, v, sliced here in half precision.
    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func singleFileCheckpointsEqualTheirFoldersInHalfPrecision(model: String) throws {
        let checkpoint = try SingleFileCheckpoint(url: SingleFileCheckpointTests.checkpointURL(model),
                                                  configurationFolder: ModelFolderFixtures.model(model))
        let folder = try ModelFolder(url: ModelFolderFixtures.model(model))
        let (sample, timesteps, context) = try Self.unetInputs(model)
        #expect(try checkpoint.unet(precision: .float16)(sample: sample, timesteps: timesteps, encoderHiddenStates: context)
                == (try folder.unet(precision: .float16)(sample: sample, timesteps: timesteps, encoderHiddenStates: context)))
        let ids = try ModelFolderFixtures.reference(model, "text_encoder").int64s("input_ids.0").map { Int($0) }
        #expect(try checkpoint.textEncoder(precision: .float16).encode([ids])
                == (try folder.textEncoder(precision: .float16).encode([ids])))
        let latent = try ModelFolderFixtures.reference(model, "vae_decode").tensor("latent", shape: [1, 4, 8, 12])
        #expect(try checkpoint.autoencoder(precision: .float16).decode(latent)
                == (try folder.autoencoder(precision: .float16).decode(latent)))
    }

    /// Every weight of the files is loaded once: four bytes each in float32; in half precision two for the
    /// matrices and four for the small ones.
    @Test func halfPrecisionNetworksHoldAboutHalfTheBytes() throws {
        let folder = try Self.tinySD1
        func elements(_ component: String) throws -> Int {
            let file = try SafeTensorsFile(contentsOf: folder.weightFiles(component: component)[0])
            return try file.tensorNames.filter { !$0.hasSuffix("position_ids") }
                .reduce(0) { $0 + (try file.info($1).elementCount) }
        }
        let float32 = try [folder.unet().parameterByteCount, folder.autoencoder().parameterByteCount,
                           folder.textEncoder().parameterByteCount]
        let half = try [folder.unet(precision: .float16).parameterByteCount,
                        folder.autoencoder(precision: .float16).parameterByteCount,
                        folder.textEncoder(precision: .float16).parameterByteCount]
        for (index, component) in ["unet", "vae", "text_encoder"].enumerated() {
            #expect(float32[index] == 4 * (try elements(component)), "\(component)")
            // The tiny networks' norms and biases are a larger share than SD's (under 1 % there).
            #expect(Double(half[index]) < 0.6 * Double(float32[index]), "\(component): \(half[index]) of \(float32[index])")
        }
        let pipeline = try StableDiffusionPipeline(model: folder, precision: .float16)
        #expect(pipeline.parameterByteCount == half.reduce(0, +))
    }

    /// The pipeline threads the precision to every network: its base trajectory is the fp16 variant's (the VAE,
    /// which has no fp16 file, is not used by sampling).
    @Test func pipelineSamplesAsTheFP16Variant() throws {
        let half = try StableDiffusionPipeline(model: Self.tinySD1, precision: .float16)
        let fp16Files = try StableDiffusionPipeline(model: Self.tinySD1, variant: "fp16")
        let run = { (pipeline: StableDiffusionPipeline) in
            try pipeline.baseTrajectory(prompt: "a lighthouse", guidance: 7.5, seed: 3, steps: 3, width: 96, height: 64)
        }
        #expect(try run(half) == (try run(fp16Files)))
    }
}
