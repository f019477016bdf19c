import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// The tiny models as single-file LDM checkpoints (`Fixtures/single-file/tiny-sd{1,2}.safetensors`, written by
/// Fixtures/scripts/single_file_fixtures.py and checked there with diffusers' own converters) must give exactly the
/// outputs of the same models loaded from their diffusers folders.
@Suite struct SingleFileCheckpointTests {
    static func checkpointURL(_ model: String) -> URL {
        ModelFolderFixtures.root.appendingPathComponent("single-file/\(model).safetensors")
    }

    /// The checkpoint with the tiny folder's configurations, whose head and group counts no shape tells.
    static func checkpoint(_ model: String, prediction: SchedulerConfig.PredictionType? = nil) throws -> SingleFileCheckpoint {
        try SingleFileCheckpoint(url: checkpointURL(model), prediction: prediction,
                                 configurationFolder: ModelFolderFixtures.model(model))
    }

    /// tiny-sd1's checkpoint stores the UNet and text encoder in half precision, as the folder's fp16 variant.
    static func variant(_ model: String) -> String? {
        model == "tiny-sd1" ? "fp16" : nil
    }

    @Test(arguments: [("tiny-sd1", SingleFileCheckpoint.Family.sd1), ("tiny-sd2", .sd2)])
    func recognisesTheFamilyFromTheTextEncoder(model: String, family: SingleFileCheckpoint.Family) throws {
        #expect(try Self.checkpoint(model).family == family)
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func textEncoderIsBitwiseTheFolders(model: String) throws {
        let folder = try ModelFolder(url: ModelFolderFixtures.model(model))
        let ours = try Self.checkpoint(model).textEncoder()
        let theirs = try folder.textEncoder(variant: Self.variant(model))
        #expect(ours.configuration == theirs.configuration)
        let reference = try ModelFolderFixtures.reference(model, "text_encoder")
        for index in 0..<2 {
            let ids = try reference.int64s("input_ids.\(index)").map { Int($0) }
            let output = try ours.encode([ids])
            #expect(output == (try theirs.encode([ids])), "\(model) prompt \(index)")
            #expect(output.shape == [1, 77, 32])
        }
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func unetIsBitwiseTheFolders(model: String) throws {
        let folder = try ModelFolder(url: ModelFolderFixtures.model(model))
        let ours = try Self.checkpoint(model).unet()
        let theirs = try folder.unet(variant: Self.variant(model))
        let reference = try ModelFolderFixtures.reference(model, "unet")
        let sample = try reference.tensor("sample", shape: [2, 4, 8, 12])
        let timesteps = try reference.int64s("timestep").map { Float($0) }
        let context = try reference.tensor("encoder_hidden_states", shape: [2, 77, 32])
        let output = try ours(sample: sample, timesteps: timesteps, encoderHiddenStates: context)
        #expect(output == (try theirs(sample: sample, timesteps: timesteps, encoderHiddenStates: context)))
        // And close to diffusers' own output of the folder model (exactly so only for float32 weights).
        if Self.variant(model) == nil {
            let (difference, tolerance) = ModelFolderFixtures.deviation(output, try reference.tensor("out"))
            #expect(difference <= tolerance)
        }
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func vaeIsBitwiseTheFolders(model: String) throws {
        let folder = try ModelFolder(url: ModelFolderFixtures.model(model))
        let ours = try Self.checkpoint(model).autoencoder()
        let theirs = try folder.autoencoder()
        let image = try ModelFolderFixtures.reference(model, "vae_encode").tensor("image", shape: [1, 3, 64, 96])
        let (mean, logVariance) = try ours.encode(image)
        let (expectedMean, expectedLogVariance) = try theirs.encode(image)
        #expect(mean == expectedMean)
        #expect(logVariance == expectedLogVariance)
        let latent = try ModelFolderFixtures.reference(model, "vae_decode").tensor("latent", shape: [1, 4, 8, 12])
        #expect(try ours.decode(latent) == (try theirs.decode(latent)))
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func pipelineTakesTheFoldersSchedulerAndTokenizer(model: String) throws {
        let folderURL = ModelFolderFixtures.model(model)
        let pipeline = try StableDiffusionPipeline(checkpoint: Self.checkpoint(model))
        let folderPipeline = try StableDiffusionPipeline(model: ModelFolder(url: folderURL), variant: Self.variant(model))
        #expect(pipeline.schedulerConfig == (try SchedulerConfig(contentsOf: folderURL.appendingPathComponent("scheduler/scheduler_config.json"))))
        #expect(pipeline.schedulerConfig.predictionType == (model == "tiny-sd2" ? .vPrediction : .epsilon))
        let prompt = "a lighthouse on a cliff, at dusk"
        #expect(pipeline.tokenizer.encode(prompt) == folderPipeline.tokenizer.encode(prompt))
        #expect(try pipeline.textEmbeddings(prompt) == (try folderPipeline.textEmbeddings(prompt)))
    }

    @Test func anExplicitPredictionTypeOverridesTheFolders() throws {
        let checkpoint = try Self.checkpoint("tiny-sd2", prediction: .epsilon)
        #expect(checkpoint.schedulerConfig.predictionType == .epsilon)
        #expect(checkpoint.schedulerConfig.betaSchedule == .scaledLinear)
    }

    @Test func sd2SkipsTheLastOpenCLIPBlock() throws {
        // The file has one resblock more than the folder's two-layer encoder; the adapter never maps to it.
        let checkpoint = try Self.checkpoint("tiny-sd2")
        let weights = checkpoint.textEncoderWeights
        #expect(weights.checkpointName(of: "text_model.encoder.layers.1.self_attn.k_proj.weight")
                == "cond_stage_model.model.transformer.resblocks.1.attn.in_proj_weight")
        #expect(weights.contains("text_model.encoder.layers.2.mlp.fc1.weight"))
        #expect(checkpoint.textEncoderConfiguration.layerCount == 2)
    }

    @Test func builtInTokenizerIsCLIPsFullVocabulary() throws {
        let tokenizer = try CLIPTokenizer.builtIn(padToken: "<|endoftext|>")
        // CLIP ViT-L/14's own ids for this prompt (49406 start, 320 "a</w>", 49407 end).
        #expect(Array(tokenizer.encode("a photo of a cat").prefix(8)) == [49406, 320, 1125, 539, 320, 2368, 49407, 49407])
        let sd2 = try CLIPTokenizer.builtIn(padToken: "!")
        #expect(Array(sd2.encode("a photo of a cat").suffix(2)) == [0, 0])
        let copy = try CLIPTokenizer(bpeFile: ModelFolderFixtures.root.appendingPathComponent("clip/bpe_simple_vocab_16e6.txt.gz"),
                                     padToken: "!")
        let prompt = "Ünïcode, digits 1234 and a 🐱"
        #expect(sd2.encode(prompt) == copy.encode(prompt))
    }
}
