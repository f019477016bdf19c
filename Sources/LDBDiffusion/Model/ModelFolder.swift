import Foundation

/// A Stable Diffusion 1.x / 2.x model in the diffusers folder layout:
///
/// ```
/// model_index.json
/// text_encoder/{config.json, model.safetensors}
/// unet/{config.json, diffusion_pytorch_model.safetensors}
/// vae/{config.json, diffusion_pytorch_model.safetensors}
/// scheduler/scheduler_config.json
/// tokenizer/{vocab.json, merges.txt, …}
/// ```
///
/// Opening a folder checks `model_index.json`, that every component folder, configuration and weight file
/// is there, and decodes the text encoder's and the VAE's configurations. The UNet's, the scheduler's and the
/// tokenizer's files are located here and decoded by their own types.
public struct ModelFolder: Sendable {
    /// The components `model_index.json` must list, with the classes supported for each (`nil`: any class;
    /// the scheduler's configuration is checked by the scheduler).
    static let requiredComponents: [(name: String, classes: Set<String>?)] = [
        ("scheduler", nil),
        ("text_encoder", ["CLIPTextModel"]),
        ("tokenizer", ["CLIPTokenizer", "CLIPTokenizerFast"]),
        ("unet", ["UNet2DConditionModel"]),
        ("vae", ["AutoencoderKL"]),
    ]

    /// The folder.
    public let url: URL
    /// `model_index.json`.
    public let index: ConfigurationFile
    /// The decoded `text_encoder/config.json`.
    public let textEncoderConfiguration: TextEncoderConfiguration
    /// The decoded `vae/config.json`.
    public let vaeConfiguration: VAEConfiguration

    /// Opens and validates the model folder at `url`.
    /// - Throws: `ModelError` naming the missing file, the malformed JSON file, or the unsupported field.
    public init(url: URL) throws(ModelError) {
        self.url = url
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingFile(url, role: "model folder")
        }
        index = try ConfigurationFile(contentsOf: url.appendingPathComponent("model_index.json"),
                                      role: "model_index.json (is this a diffusers model folder?)")
        try Self.validate(index)

        for component in ["text_encoder", "unet", "vae"] {
            _ = try Self.weightFiles(in: url.appendingPathComponent(component), variant: nil)
        }
        // Files read by other types, checked here so that a broken folder fails when it is opened.
        for (path, role) in [("unet/config.json", "UNet configuration"),
                             ("scheduler/scheduler_config.json", "scheduler configuration"),
                             ("tokenizer", "tokenizer folder")] {
            let file = url.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: file.path) else { throw .missingFile(file, role: role) }
        }

        textEncoderConfiguration = try TextEncoderConfiguration(
            ConfigurationFile(contentsOf: url.appendingPathComponent("text_encoder/config.json"), role: "text encoder configuration"))
        vaeConfiguration = try VAEConfiguration(
            ConfigurationFile(contentsOf: url.appendingPathComponent("vae/config.json"), role: "VAE configuration"))
    }

    /// The folder of one component (`"unet"`, `"vae"`, `"text_encoder"`, `"tokenizer"`, `"scheduler"`).
    public func componentURL(_ component: String) -> URL {
        url.appendingPathComponent(component, isDirectory: true)
    }

    /// `unet/config.json`, for `UNetConfiguration`.
    public var unetConfigURL: URL {
        componentURL("unet").appendingPathComponent("config.json")
    }

    /// `scheduler/scheduler_config.json`.
    public var schedulerConfigURL: URL {
        componentURL("scheduler").appendingPathComponent("scheduler_config.json")
    }

    /// The `tokenizer/` folder, for `CLIPTokenizer(folder:)`.
    public var tokenizerURL: URL {
        componentURL("tokenizer")
    }

    /// The `config.json` of a component, parsed.
    public func configuration(component: String) throws(ModelError) -> ConfigurationFile {
        try ConfigurationFile(contentsOf: componentURL(component).appendingPathComponent("config.json"),
                              role: "\(component) configuration")
    }

    /// The `.safetensors` files holding a component's weights.
    ///
    /// - Parameter variant: `nil` takes the full-precision file and falls back to the `fp16` variant when it is
    ///   the only one; a name (`"fp16"`) takes that variant's file (`model.fp16.safetensors`) only.
    ///   Sharded weights are found through their `.safetensors.index.json`.
    public func weightFiles(component: String, variant: String? = nil) throws(ModelError) -> [URL] {
        try Self.weightFiles(in: componentURL(component), variant: variant)
    }

    /// The weights of a component, chosen as `weightFiles(component:variant:)` describes.
    public func weights(component: String, variant: String? = nil) throws(ModelError) -> SafeTensorsWeights {
        try SafeTensorsWeights(files: weightFiles(component: component, variant: variant))
    }

    /// The CLIP text encoder, with its weights loaded and kept at `precision`.
    public func textEncoder(variant: String? = nil, precision: WeightPrecision = .float32) throws -> CLIPTextEncoder {
        try CLIPTextEncoder(configuration: textEncoderConfiguration,
                            weights: weights(component: "text_encoder", variant: variant).at(precision))
    }

    /// The VAE, with its weights loaded and kept at `precision`.
    public func autoencoder(variant: String? = nil, precision: WeightPrecision = .float32) throws -> AutoencoderKL {
        try AutoencoderKL(configuration: vaeConfiguration, weights: weights(component: "vae", variant: variant).at(precision))
    }

    /// Checks that `model_index.json` describes a pipeline made of components this package runs.
    private static func validate(_ index: ConfigurationFile) throws(ModelError) {
        if index.contains("text_encoder_2") {
            throw index.unsupported("text_encoder_2", reason: "pipelines with two text encoders (SDXL) are not supported")
        }
        for (component, classes) in requiredComponents {
            guard let value = index.value(component) else { throw .missingField(index.url, field: component) }
            guard case .array(let entry) = value, entry.count == 2, case .string(let className) = entry[1] else {
                throw .invalidField(index.url, field: component, expected: "[library, class name]", found: value.summary)
            }
            if let classes, !classes.contains(className) {
                throw .unsupported(index.url, field: component, value: "\"\(className)\"",
                                   reason: "expected \(classes.sorted().joined(separator: " or "))")
            }
        }
    }

    /// The weight files of the component folder `folder` (see `weightFiles(component:variant:)`).
    static func weightFiles(in folder: URL, variant: String?) throws(ModelError) -> [URL] {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingFile(folder, role: "component folder")
        }
        let names = Set((try? fileManager.contentsOfDirectory(atPath: folder.path)) ?? [])
        let variants = variant.map { [$0] } ?? [nil, "fp16"]
        for candidate in variants {
            for base in ["diffusion_pytorch_model", "model"] {
                let single = candidate.map { "\(base).\($0).safetensors" } ?? "\(base).safetensors"
                if names.contains(single) { return [folder.appendingPathComponent(single)] }
                let shardIndex = candidate.map { "\(base).safetensors.index.\($0).json" } ?? "\(base).safetensors.index.json"
                if names.contains(shardIndex) {
                    return try shardFiles(listedIn: folder.appendingPathComponent(shardIndex))
                }
            }
        }
        let present = names.filter { $0.hasSuffix(".safetensors") || $0.hasSuffix(".bin") || $0.hasSuffix(".ckpt") }
        throw .missingWeightFile(folder: folder, variant: variant, found: present.sorted())
    }

    /// The distinct files named by the `weight_map` of a sharded checkpoint's index.
    private static func shardFiles(listedIn indexURL: URL) throws(ModelError) -> [URL] {
        let index = try ConfigurationFile(contentsOf: indexURL, role: "weight index")
        guard case .object(let map)? = index.value("weight_map") else {
            throw .invalidField(indexURL, field: "weight_map", expected: "an object of weight name to file",
                                found: index.value("weight_map")?.summary ?? "nothing")
        }
        var files: [String] = []
        for value in map.values {
            guard case .string(let name) = value, !name.contains("/") else {
                throw .invalidField(indexURL, field: "weight_map", expected: "file names in the same folder", found: value.summary)
            }
            if !files.contains(name) { files.append(name) }
        }
        guard !files.isEmpty else {
            throw .invalidField(indexURL, field: "weight_map", expected: "at least one weight", found: "{}")
        }
        let folder = indexURL.deletingLastPathComponent()
        return files.sorted().map { folder.appendingPathComponent($0) }
    }
}
