import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// Finding and loading a tiny autoencoder: a folder laid out as `madebyollin/taesd`, a model folder's component,
/// the Hugging Face cache, and the errors a broken folder gives.
@Suite struct AutoencoderTinyLoadingTests {
    /// A fresh temporary folder holding a copy of `Fixtures/models/tiny-taesd` at `path` inside it.
    struct Scratch {
        let root: URL

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-taesd-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }

        @discardableResult
        func copyModel(to path: String) throws -> URL {
            let destination = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: AutoencoderTinyTests.tinyModel, to: destination)
            return destination
        }

        func write(_ text: String, to path: String) throws {
            try Data(text.utf8).write(to: root.appendingPathComponent(path))
        }

        /// Replaces `field` of `config.json` in `folder` with the JSON text `value` (`nil` removes it).
        func setField(_ field: String, to value: String?, in folder: URL) throws {
            let url = folder.appendingPathComponent("config.json")
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            object[field] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
            try JSONSerialization.data(withJSONObject: object).write(to: url)
        }

        func remove() {
            try? FileManager.default.removeItem(at: root)
        }
    }

    /// The description of the error `body` throws.
    func failure(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    @Test func findsTheComponentThatModelIndexListsAsAnAutoencoderTiny() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.copyModel(to: "model/preview_vae")
        try scratch.write(#"{"_class_name": "StableDiffusionPipeline", "vae": ["diffusers", "AutoencoderKL"], "#
                          + #""preview_vae": ["diffusers", "AutoencoderTiny"]}"#, to: "model/model_index.json")
        let model = scratch.root.appendingPathComponent("model").path
        #expect(try AutoencoderTiny.folder(for: model).lastPathComponent == "preview_vae")
        #expect(try AutoencoderTiny.folder(for: model, subfolder: "elsewhere").lastPathComponent == "elsewhere")
        _ = try AutoencoderTiny.load(model)
    }

    @Test func loadsFromTheHuggingFaceCache() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let commit = String(repeating: "ab", count: 20)
        let repository = "hub/models--madebyollin--taesd"
        try scratch.copyModel(to: "\(repository)/snapshots/\(commit)")
        try FileManager.default.createDirectory(at: scratch.root.appendingPathComponent("\(repository)/refs"),
                                                withIntermediateDirectories: true)
        try scratch.write(commit, to: "\(repository)/refs/main")
        let environment = ["HF_HUB_CACHE": scratch.root.appendingPathComponent("hub").path]
        let folder = try AutoencoderTiny.folder(for: "madebyollin/taesd", environment: environment)
        #expect(folder.lastPathComponent == commit)
        let autoencoder = try AutoencoderTiny.load("madebyollin/taesd", revision: commit, environment: environment)
        #expect(autoencoder.configuration.decoderChannels == 12)
        #expect(failure { _ = try AutoencoderTiny.load("madebyollin/taesd", revision: "v2", environment: environment) }
            .contains("revision 'v2' is not"))
        #expect(failure { _ = try AutoencoderTiny.load("madebyollin/taesdxl", environment: environment) }
            .contains("ldb model pull madebyollin/taesdxl"))
    }

    @Test func refusesWhatIsNotATinyAutoencoderFolder() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(at: scratch.root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        #expect(failure { _ = try AutoencoderTiny.load(scratch.root.appendingPathComponent("empty").path) }
            .contains("empty/config.json: missing tiny autoencoder configuration"))
        #expect(failure { _ = try AutoencoderTiny.load(ModelFolderFixtures.model("tiny-sd1").path) }
            .contains("config.json: missing tiny autoencoder configuration"))
        #expect(failure { _ = try AutoencoderTiny.load(ModelFolderFixtures.model("tiny-sd1").path, subfolder: "vae") }
            .contains("_class_name \"AutoencoderKL\" is not supported"))
        let weights = AutoencoderTinyTests.tinyModel.appendingPathComponent("diffusion_pytorch_model.safetensors").path
        #expect(failure { _ = try AutoencoderTiny.load(weights) }.contains("not a single file"))
        #expect(failure { _ = try AutoencoderTiny.load(AutoencoderTinyTests.tinyModel.path, revision: "main") }
            .contains("revisions apply to Hugging Face Hub ids only"))
    }

    @Test func namesTheMissingWeightFileAndTheMisshapenWeight() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let folder = try scratch.copyModel(to: "taesd")
        try scratch.setField("decoder_block_out_channels", to: "[16, 16, 16, 16]", in: folder)
        #expect(failure { _ = try AutoencoderTiny.load(folder.path) }
            .contains(#"weight "decoder.layers.0.weight" has shape [12, 4, 3, 3], expected [16, 4, 3, 3]"#))
        try scratch.setField("decoder_block_out_channels", to: nil, in: folder)
        #expect(failure { _ = try AutoencoderTiny.load(folder.path) }
            .contains(#"weight "decoder.layers.0.weight" has shape [12, 4, 3, 3], expected [64, 4, 3, 3]"#))
        try scratch.setField("decoder_block_out_channels", to: "[12, 12, 12, 12]", in: folder)
        try scratch.setField("num_decoder_blocks", to: "[2, 1, 2, 2]", in: folder)
        #expect(failure { _ = try AutoencoderTiny.load(folder.path) }
            .contains(#"weight "decoder.layers.14.conv.0.weight" is missing"#))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        #expect(failure { _ = try AutoencoderTiny.load(folder.path) }.contains("no .safetensors weight file"))
    }

    @Test(arguments: [
        ("act_fn", #""silu""#, "act_fn \"silu\" is not supported (only relu is supported)"),
        ("upsample_fn", #""bilinear""#, "upsample_fn \"bilinear\" is not supported"),
        ("upsampling_scaling_factor", "3", "upsampling_scaling_factor 3 is not supported"),
        ("shift_factor", "0.1", "shift_factor 0.1 is not supported"),
        ("scaling_factor", "0", "field \"scaling_factor\" should be a positive number"),
        ("encoder_block_out_channels", "[8, 8, 16, 8]", "should be one positive channel count repeated for every level"),
        ("encoder_block_out_channels", "[8, 8, 8]", "should be 4 entries, one per num_encoder_blocks entry"),
        ("num_decoder_blocks", "[]", "field \"num_decoder_blocks\" should be a non-empty list of block counts"),
        ("num_decoder_blocks", "[2, -1, 2, 1]", "field \"num_decoder_blocks\" should be a non-empty list"),
        ("latent_channels", "0", "field \"latent_channels\" should be a positive integer"),
        ("_class_name", #""AutoencoderKL""#, "_class_name \"AutoencoderKL\" is not supported"),
    ])
    func namesTheConfigurationFieldItRefuses(field: String, value: String, message: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let folder = try scratch.copyModel(to: "taesd")
        try scratch.setField(field, to: value, in: folder)
        let description = failure { _ = try AutoencoderTiny.load(folder.path) }
        #expect(description.contains("config.json") && description.contains(message), "\(description)")
    }
}
