import Foundation

extension AutoencoderTiny {
    /// The tiny autoencoder `reference` names, with its weights loaded and kept at `precision`.
    ///
    /// `reference` is what `--preview-decoder` or `--model` takes: a folder, or a Hugging Face Hub id whose files
    /// are in the Hugging Face cache (`madebyollin/taesd`), used in place; see `folder(for:revision:subfolder:environment:)`.
    ///
    /// - Parameter variant: the weights variant to load, such as `fp16` (default: float32 when present).
    /// - Throws: `ModelLocationError` when nothing is found, `ModelError` naming a missing or malformed file, field
    ///   or weight.
    public static func load(
        _ reference: String,
        revision: String? = nil,
        subfolder: String? = nil,
        variant: String? = nil,
        precision: WeightPrecision = .float32,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AutoencoderTiny {
        let folder = try folder(for: reference, revision: revision, subfolder: subfolder, environment: environment)
        return try load(folder: folder, variant: variant, precision: precision)
    }

    /// The tiny autoencoder of a folder holding `config.json` and `diffusion_pytorch_model[.variant].safetensors`.
    public static func load(folder: URL, variant: String? = nil, precision: WeightPrecision = .float32) throws -> AutoencoderTiny {
        let configuration = try AutoencoderTinyConfiguration(
            ConfigurationFile(contentsOf: folder.appendingPathComponent("config.json"), role: "tiny autoencoder configuration"))
        let weights = try SafeTensorsWeights(files: ModelFolder.weightFiles(in: folder, variant: variant))
        return try AutoencoderTiny(configuration: configuration, weights: weights.at(precision))
    }

    /// The folder of the tiny autoencoder `reference` names.
    ///
    /// `reference` is an existing folder (a leading `~/` is expanded) or else a Hub id, `ORG/NAME`, whose snapshot
    /// for `revision` (a branch, tag or commit; `main` when `nil`) is in the Hugging Face cache. In that folder:
    /// - with `subfolder`, that subfolder;
    /// - otherwise the folder itself when it has a `config.json` (as `madebyollin/taesd` is laid out);
    /// - otherwise, in a diffusers model folder, the component that `model_index.json` lists as an `AutoencoderTiny`.
    ///
    /// - Throws: `ModelLocationError` when the reference leads nowhere; `ModelError` when the folder holds no tiny
    ///   autoencoder.
    public static func folder(
        for reference: String,
        revision: String? = nil,
        subfolder: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> URL {
        let root: URL
        if !reference.isEmpty, let location = try ModelLocation.localLocation(reference, environment: environment) {
            if let revision { throw ModelLocationError.revisionForPath(location.url, revision: revision) }
            guard case .folder(let folder) = location else {
                throw ModelError.unreadableFile(location.url, reason: "a tiny autoencoder is a folder with config.json "
                                                + "and diffusion_pytorch_model.safetensors, not a single file")
            }
            root = folder
        } else {
            guard let id = HubRepositoryID(reference) else { throw ModelLocationError.noSuchPath(reference) }
            root = try HubCache(environment: environment).snapshot(for: id, revision: revision ?? "main")
        }
        if let subfolder { return root.appendingPathComponent(subfolder, isDirectory: true) }
        let manager = FileManager.default
        if manager.fileExists(atPath: root.appendingPathComponent("config.json").path) { return root }
        let index = root.appendingPathComponent("model_index.json")
        if manager.fileExists(atPath: index.path),
           let component = try tinyAutoencoderComponent(in: ConfigurationFile(contentsOf: index, role: "model_index.json")) {
            return root.appendingPathComponent(component, isDirectory: true)
        }
        throw ModelError.missingFile(root.appendingPathComponent("config.json"), role: "tiny autoencoder configuration "
            + "(a folder laid out as madebyollin/taesd is, or a model folder whose model_index.json lists an AutoencoderTiny)")
    }

    /// The first component (in name order) that `model_index.json` lists as `[library, "AutoencoderTiny"]`.
    private static func tinyAutoencoderComponent(in index: ConfigurationFile) -> String? {
        index.fields.keys.sorted().first { name in
            guard case .array(let entry)? = index.value(name), entry.count == 2 else { return false }
            return entry[1] == .string("AutoencoderTiny")
        }
    }
}
