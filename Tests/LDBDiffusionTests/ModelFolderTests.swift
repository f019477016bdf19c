import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// Paths of the tiny diffusers models and their diffusers-made references (Fixtures/README.md), and the
/// comparison the network tests share.
enum ModelFolderFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func model(_ name: String) -> URL {
        root.appendingPathComponent("models/\(name)")
    }

    static func reference(_ model: String, _ file: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(contentsOf: root.appendingPathComponent("reference/\(model)/\(file).safetensors"))
    }

    /// The largest absolute difference between `ours` and `reference`, and the tolerance it must stay within:
    /// `1e-4 × max(1, max|reference|)`.
    static func deviation(_ ours: Tensor, _ reference: Tensor) -> (difference: Float, tolerance: Float) {
        let difference = zip(ours.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? .infinity
        let scale = reference.scalars.map(abs).max() ?? 0
        return (difference, 1e-4 * max(1, scale))
    }

    /// A writable copy of a tiny model folder in a fresh temporary directory.
    static func copy(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ldb-model-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let destination = directory.appendingPathComponent(name)
        try FileManager.default.copyItem(at: model(name), to: destination)
        return destination
    }

    static func remove(_ copy: URL) {
        try? FileManager.default.removeItem(at: copy.deletingLastPathComponent())
    }
}

@Suite struct ModelFolderTests {
    /// Rewrites one field of a JSON file of `folder`.
    private func edit(_ folder: URL, _ file: String, _ change: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent(file)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// The `ModelError` that `body` throws, or `nil` when it throws none (or another error).
    private func modelError(_ body: () throws -> Void) -> ModelError? {
        do {
            try body()
        } catch let error as ModelError {
            return error
        } catch {
            Issue.record("expected a ModelError, got \(error)")
        }
        return nil
    }

    @Test func decodesTheConfigurationsOfBothTinyModels() throws {
        let sd1 = try ModelFolder(url: ModelFolderFixtures.model("tiny-sd1"))
        #expect(sd1.textEncoderConfiguration == TextEncoderConfiguration(
            hiddenSize: 32, intermediateSize: 64, layerCount: 3, headCount: 4, maxPositionEmbeddings: 77,
            vocabularySize: 2514, activation: .quickGELU, layerNormEpsilon: 1e-5))
        #expect(sd1.vaeConfiguration == VAEConfiguration(
            blockOutChannels: [8, 16, 16, 24], layersPerBlock: 2, normGroupCount: 4, scalingFactor: 0.18215))
        #expect(sd1.vaeConfiguration.downsamplingFactor == 8)

        let sd2 = try ModelFolder(url: ModelFolderFixtures.model("tiny-sd2"))
        #expect(sd2.textEncoderConfiguration.activation == .gelu)
        #expect(sd2.textEncoderConfiguration.layerCount == 2)
        #expect(sd2.vaeConfiguration.blockOutChannels == [8, 8, 16, 16])
    }

    @Test func locatesTheFilesOfTheOtherComponents() throws {
        let folder = try ModelFolder(url: ModelFolderFixtures.model("tiny-sd1"))
        let manager = FileManager.default
        #expect(manager.fileExists(atPath: folder.unetConfigURL.path))
        #expect(manager.fileExists(atPath: folder.schedulerConfigURL.path))
        #expect(manager.fileExists(atPath: folder.tokenizerURL.appendingPathComponent("vocab.json").path))
        #expect(try folder.configuration(component: "unet").integer("in_channels") == 4)
        let unet = try folder.weights(component: "unet")
        #expect(unet.contains("conv_in.weight"))
        #expect(try unet.tensor("conv_in.weight", shape: [8, 4, 3, 3]).count == 8 * 4 * 9)
    }

    @Test func prefersFullPrecisionWeightsAndHonoursARequestedVariant() throws {
        let folder = try ModelFolder(url: ModelFolderFixtures.model("tiny-sd1"))
        #expect(try folder.weightFiles(component: "text_encoder").map(\.lastPathComponent) == ["model.safetensors"])
        #expect(try folder.weightFiles(component: "text_encoder", variant: "fp16").map(\.lastPathComponent)
            == ["model.fp16.safetensors"])
        #expect(try folder.weightFiles(component: "unet", variant: "fp16").map(\.lastPathComponent)
            == ["diffusion_pytorch_model.fp16.safetensors"])
        let error = try #require(modelError { _ = try folder.weightFiles(component: "vae", variant: "fp16") })
        guard case .missingWeightFile(let component, "fp16", let found) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(component.lastPathComponent == "vae")
        #expect(found == ["diffusion_pytorch_model.safetensors"])

        // The fp16 weights are the fp32 ones rounded to half.
        let full = try folder.weights(component: "text_encoder")
        let half = try folder.weights(component: "text_encoder", variant: "fp16")
        let name = "text_model.encoder.layers.0.mlp.fc1.weight"
        let rounded = try full.tensor(name, shape: [64, 32]).scalars.map { Float(float16Bits: $0.float16Bits) }
        #expect(try half.tensor(name, shape: [64, 32]).scalars == rounded)
    }

    @Test func fallsBackToTheFP16FileWhenItIsTheOnlyOne() throws {
        let copy = try ModelFolderFixtures.copy("tiny-sd1")
        defer { ModelFolderFixtures.remove(copy) }
        try FileManager.default.removeItem(at: copy.appendingPathComponent("unet/diffusion_pytorch_model.safetensors"))
        let folder = try ModelFolder(url: copy)
        #expect(try folder.weightFiles(component: "unet").map(\.lastPathComponent)
            == ["diffusion_pytorch_model.fp16.safetensors"])
    }

    @Test func readsShardedWeightsThroughTheirIndex() throws {
        let copy = try ModelFolderFixtures.copy("tiny-sd2")
        defer { ModelFolderFixtures.remove(copy) }
        let vae = copy.appendingPathComponent("vae")
        let original = try SafeTensorsWeights(file: vae.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        let file = try SafeTensorsFile(contentsOf: vae.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        var shards: [[String: Tensor]] = [[:], [:]]
        var weightMap: [String: String] = [:]
        for name in original.names {
            let shard = name.hasPrefix("encoder.") ? 0 : 1
            shards[shard][name] = try file.tensor(name)
            weightMap[name] = "diffusion_pytorch_model-0000\(shard + 1)-of-00002.safetensors"
        }
        for (index, tensors) in shards.enumerated() {
            try SafeTensorsWriter.write(tensors, to: vae.appendingPathComponent("diffusion_pytorch_model-0000\(index + 1)-of-00002.safetensors"))
        }
        try JSONSerialization.data(withJSONObject: ["metadata": [:], "weight_map": weightMap])
            .write(to: vae.appendingPathComponent("diffusion_pytorch_model.safetensors.index.json"))
        try FileManager.default.removeItem(at: vae.appendingPathComponent("diffusion_pytorch_model.safetensors"))

        let folder = try ModelFolder(url: copy)
        #expect(try folder.weightFiles(component: "vae").count == 2)
        let sharded = try folder.weights(component: "vae")
        #expect(sharded.names == original.names)
        let reference = try ModelFolderFixtures.reference("tiny-sd2", "vae_decode")
        let sample = try folder.autoencoder().decode(reference.tensor("latent"))
        #expect(sample == (try AutoencoderKL(configuration: folder.vaeConfiguration, weights: original).decode(reference.tensor("latent"))))
    }

    @Test func rejectsAFolderWithoutModelIndex() throws {
        let copy = try ModelFolderFixtures.copy("tiny-sd1")
        defer { ModelFolderFixtures.remove(copy) }
        try FileManager.default.removeItem(at: copy.appendingPathComponent("model_index.json"))
        let error = try #require(modelError { _ = try ModelFolder(url: copy) })
        guard case .missingFile(let url, _) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(url.lastPathComponent == "model_index.json")
        #expect(error.description.contains("model_index.json"))
    }

    @Test func rejectsAMissingUNetWeightFile() throws {
        let copy = try ModelFolderFixtures.copy("tiny-sd1")
        defer { ModelFolderFixtures.remove(copy) }
        for name in ["diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"] {
            try FileManager.default.removeItem(at: copy.appendingPathComponent("unet/\(name)"))
        }
        let error = try #require(modelError { _ = try ModelFolder(url: copy) })
        guard case .missingWeightFile(let folder, nil, let found) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(folder.lastPathComponent == "unet")
        #expect(found.isEmpty)
        #expect(error.description.contains("unet"))
    }

    @Test func rejectsInvalidJSONNamingTheFile() throws {
        let copy = try ModelFolderFixtures.copy("tiny-sd1")
        defer { ModelFolderFixtures.remove(copy) }
        try Data("{\"block_out_channels\": [8, 16,".utf8).write(to: copy.appendingPathComponent("vae/config.json"))
        let error = try #require(modelError { _ = try ModelFolder(url: copy) })
        guard case .invalidJSON(let url, _) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(url.path.hasSuffix("vae/config.json"))
    }

    @Test func rejectsUnsupportedConfigurationValuesNamingTheField() throws {
        let cases: [(file: String, field: String, value: Any)] = [
            ("text_encoder/config.json", "hidden_act", "relu"),
            ("vae/config.json", "act_fn", "gelu"),
            ("vae/config.json", "down_block_types", ["DownEncoderBlock2D", "AttnDownEncoderBlock2D",
                                                     "DownEncoderBlock2D", "DownEncoderBlock2D"]),
            ("model_index.json", "text_encoder_2", ["transformers", "CLIPTextModelWithProjection"]),
            ("model_index.json", "unet", ["diffusers", "UNet2DModel"]),
        ]
        for (file, field, value) in cases {
            let copy = try ModelFolderFixtures.copy("tiny-sd1")
            defer { ModelFolderFixtures.remove(copy) }
            try edit(copy, file) { $0[field] = value }
            let error = try #require(modelError { _ = try ModelFolder(url: copy) })
            guard case .unsupported(let url, let reportedField, _, _) = error else {
                Issue.record("\(file) \(field): unexpected error \(error)")
                continue
            }
            #expect(url.path.hasSuffix(file))
            #expect(reportedField == field)
            #expect(error.description.contains(field))
        }
    }

    @Test func rejectsInconsistentConfigurationValues() throws {
        let cases: [(file: String, field: String, value: Any)] = [
            ("vae/config.json", "norm_num_groups", 3),
            ("vae/config.json", "layers_per_block", "two"),
            ("text_encoder/config.json", "num_attention_heads", 5),
        ]
        for (file, field, value) in cases {
            let copy = try ModelFolderFixtures.copy("tiny-sd1")
            defer { ModelFolderFixtures.remove(copy) }
            try edit(copy, file) { $0[field] = value }
            let error = try #require(modelError { _ = try ModelFolder(url: copy) })
            guard case .invalidField(_, let reportedField, _, _) = error else {
                Issue.record("\(file) \(field): unexpected error \(error)")
                continue
            }
            #expect(reportedField == field)
        }
    }

    @Test func rejectsAWeightOfTheWrongShapeNamingTensorAndFile() throws {
        let copy = try ModelFolderFixtures.copy("tiny-sd1")
        defer { ModelFolderFixtures.remove(copy) }
        let url = copy.appendingPathComponent("vae/diffusion_pytorch_model.safetensors")
        let file = try SafeTensorsFile(contentsOf: url)
        var tensors: [String: Tensor] = [:]
        for name in file.tensorNames { tensors[name] = try file.tensor(name) }
        let name = "decoder.mid_block.attentions.0.to_k.weight"
        tensors[name] = Tensor(shape: [24, 12], repeating: 0)
        try SafeTensorsWriter.write(tensors, to: url)

        let folder = try ModelFolder(url: copy)
        let error = try #require(modelError { _ = try folder.autoencoder() })
        guard case .weightShapeMismatch(let reportedName, let reportedFile, let expected, let found) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(reportedName == name)
        #expect(reportedFile.path.hasSuffix("vae/diffusion_pytorch_model.safetensors"))
        #expect(expected == [24, 24])
        #expect(found == [24, 12])
    }

    @Test func rejectsAMissingWeightNamingIt() throws {
        let copy = try ModelFolderFixtures.copy("tiny-sd2")
        defer { ModelFolderFixtures.remove(copy) }
        let url = copy.appendingPathComponent("text_encoder/model.safetensors")
        let file = try SafeTensorsFile(contentsOf: url)
        var tensors: [String: Tensor] = [:]
        let name = "text_model.encoder.layers.1.layer_norm2.bias"
        for other in file.tensorNames where other != name { tensors[other] = try file.tensor(other) }
        try SafeTensorsWriter.write(tensors, to: url)

        let error = try #require(modelError { _ = try ModelFolder(url: copy).textEncoder() })
        guard case .missingWeight(let reportedName, let files) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(reportedName == name)
        #expect(files.map(\.lastPathComponent) == ["model.safetensors"])
    }
}
