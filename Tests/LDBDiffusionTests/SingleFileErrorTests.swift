import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// Files that are not SD 1.x / 2.x checkpoints, damaged checkpoints and missing information give errors that say
/// what is wrong.
@Suite struct SingleFileErrorTests {
    /// A fresh temporary directory, removed by `defer` in each test.
    private static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ldb-single-file-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A copy of a tiny checkpoint without the tensors `drop` selects, with `metadata`.
    private static func rewrite(_ model: String, in directory: URL, metadata: [String: String] = [:],
                                drop: (String) -> Bool = { _ in false }) throws -> URL {
        let source = try SafeTensorsFile(contentsOf: SingleFileCheckpointTests.checkpointURL(model))
        var floats: [String: Tensor] = [:]
        var integers: [String: SafeTensorsWriter.IntegerTensor] = [:]
        for name in source.tensorNames where !drop(name) {
            let info = try source.info(name)
            if info.dtype == .int64 {
                integers[name] = .init(shape: info.shape, values: try source.int64s(name))
            } else {
                floats[name] = try source.tensor(name)
            }
        }
        let url = directory.appendingPathComponent("\(model)-edited.safetensors")
        try SafeTensorsWriter.write(floats, metadata: metadata, integers: integers, to: url)
        return url
    }

    /// A file holding small tensors under `names`.
    private static func file(_ names: [String], in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("foreign.safetensors")
        let tensors = Dictionary(uniqueKeysWithValues: names.map { ($0, Tensor(shape: [2, 2], repeating: 1)) })
        try SafeTensorsWriter.write(tensors, to: url)
        return url
    }

    private static func error(_ body: () throws -> Void) -> SingleFileError? {
        do {
            try body()
            return nil
        } catch let error as SingleFileError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func rejectsAnSDXLCheckpoint() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.file(["model.diffusion_model.input_blocks.0.0.weight",
                                 "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight",
                                 "conditioner.embedders.1.model.positional_embedding"], in: directory)
        let error = Self.error { _ = try SingleFileCheckpoint(url: url) }
        guard case .sdxl? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("SDXL") == true)
    }

    @Test func rejectsALoRAFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.file(["lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight",
                                 "lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight"], in: directory)
        let error = Self.error { _ = try SingleFileCheckpoint(url: url) }
        guard case .lora? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("LoRA") == true)
    }

    @Test func rejectsADiffusersComponentFile() throws {
        let url = ModelFolderFixtures.model("tiny-sd1").appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        let error = Self.error { _ = try SingleFileCheckpoint(url: url) }
        guard case .notStableDiffusion? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("original layout") == true)
    }

    @Test func rejectsFilesThatAreNotSafetensorsOrAreTruncated() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("model.safetensors")
        try Data("not a checkpoint at all".utf8).write(to: text)
        let truncated = directory.appendingPathComponent("truncated.safetensors")
        try Data(contentsOf: SingleFileCheckpointTests.checkpointURL("tiny-sd1")).prefix(50_000).write(to: truncated)
        for url in [text, truncated, directory.appendingPathComponent("absent.safetensors")] {
            let error = Self.error { _ = try SingleFileCheckpoint(url: url) }
            guard case .unreadable(let reported, _)? = error else { Issue.record("got \(String(describing: error))"); continue }
            #expect(reported == url)
        }
    }

    @Test func namesAMissingTensorInBothNamings() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = "model.diffusion_model.input_blocks.1.0.in_layers.0.weight"
        let url = try Self.rewrite("tiny-sd1", in: directory) { $0 == missing }
        let checkpoint = try SingleFileCheckpoint(url: url, configurationFolder: ModelFolderFixtures.model("tiny-sd1"))
        let error = Self.error { _ = try checkpoint.unet() }
        guard case .missingTensor(_, let name, let component, let diffusersName)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(name == missing)
        #expect(component == "UNet")
        #expect(diffusersName == "down_blocks.0.resnets.0.norm1.weight")
        // The other components are whole.
        _ = try checkpoint.autoencoder()
        _ = try checkpoint.textEncoder()
    }

    @Test func reportsAMissingComponent() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.rewrite("tiny-sd1", in: directory) { $0.hasPrefix("first_stage_model.") }
        let error = Self.error { _ = try SingleFileCheckpoint(url: url) }
        guard case .missingComponent(_, let component, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(component == "VAE")
    }

    @Test func asksForThePredictionTypeOfAnSD2Checkpoint() throws {
        let url = SingleFileCheckpointTests.checkpointURL("tiny-sd2")
        let error = Self.error { _ = try SingleFileCheckpoint(url: url) }
        guard case .unknownPredictionType? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("--prediction v_prediction or epsilon") == true)
    }

    @Test func takesThePredictionTypeFromTheMetadata() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.rewrite("tiny-sd2", in: directory, metadata: ["modelspec.prediction_type": "epsilon"])
        // The file's statement wins over the configuration folder's v_prediction scheduler.
        let checkpoint = try SingleFileCheckpoint(url: url, configurationFolder: ModelFolderFixtures.model("tiny-sd2"))
        #expect(checkpoint.schedulerConfig.predictionType == .epsilon)
        #expect(checkpoint.metadata["modelspec.prediction_type"] == "epsilon")
        // And the rewritten (float32) file still holds the same model.
        let reference = try ModelFolderFixtures.reference("tiny-sd2", "vae_decode").tensor("latent", shape: [1, 4, 8, 12])
        #expect(try checkpoint.autoencoder().decode(reference)
                == (try ModelFolder(url: ModelFolderFixtures.model("tiny-sd2")).autoencoder().decode(reference)))
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func explainsWhatShapesCannotTellWithoutAConfigurationFolder(model: String) throws {
        let url = SingleFileCheckpointTests.checkpointURL(model)
        let error = Self.error { _ = try SingleFileCheckpoint(url: url, prediction: .epsilon) }
        guard case .unsupportedArchitecture(_, let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("pass a diffusers configuration folder"))
    }
}
