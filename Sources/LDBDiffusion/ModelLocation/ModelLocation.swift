import Foundation

/// Where a model's files are: a diffusers folder, or a single-file checkpoint.
///
/// `resolve(_:environment:revision:)` turns what a user typed after `--model` into a location: a path to a
/// folder or a `.safetensors` file, or a Hugging Face Hub id (`stabilityai/sd-turbo`) whose files are in the
/// Hugging Face cache (see `HubCache`), used in place.
public enum ModelLocation: Equatable, Sendable {
    /// A diffusers-layout folder (`model_index.json`, `unet/`, `vae/`, …), for `ModelFolder(url:)`.
    case folder(URL)
    /// A single `.safetensors` checkpoint in the original Stable Diffusion key layout.
    case singleFile(URL)

    /// The location `reference` names.
    ///
    /// - An existing folder is a `.folder` (its contents are checked by `ModelFolder`); an existing file ending
    ///   in `.safetensors` is a `.singleFile`; any other existing file is rejected. A leading `~/` is expanded.
    /// - Otherwise `reference` must be a Hub id, `ORG/NAME`, cached as huggingface_hub caches it: the result is
    ///   the `.folder` of its snapshot for `revision` (a branch, tag or commit hash; `main` when `nil`).
    ///
    /// - Parameter environment: where the Hugging Face cache is (`HF_HUB_CACHE`, `HF_HOME`, …) and `HOME`.
    /// - Throws: `ModelLocationError`, saying where the model was looked for.
    public static func resolve(
        _ reference: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        revision: String? = nil
    ) throws(ModelLocationError) -> ModelLocation {
        if !reference.isEmpty, let location = try localLocation(reference, environment: environment) {
            if let revision { throw .revisionForPath(location.url, revision: revision) }
            return location
        }
        guard let id = HubRepositoryID(reference) else { throw .noSuchPath(reference) }
        let cache = HubCache(environment: environment)
        let revision = revision ?? "main"
        let snapshot = try cache.snapshot(for: id, revision: revision)
        guard FileManager.default.fileExists(atPath: snapshot.appendingPathComponent("model_index.json").path) else {
            throw .notADiffusersModel(id, snapshot: snapshot)
        }
        return .folder(snapshot)
    }

    /// The folder or the checkpoint file.
    public var url: URL {
        switch self {
        case .folder(let url), .singleFile(let url): return url
        }
    }

    /// The location of an existing file or folder at `path`; `nil` when nothing exists there.
    static func localLocation(_ path: String, environment: [String: String]) throws(ModelLocationError) -> ModelLocation? {
        let expanded = PathExpansion.expandingUser(path, environment: environment)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory) else { return nil }
        let url = URL(fileURLWithPath: expanded, isDirectory: isDirectory.boolValue).absoluteURL.standardizedFileURL
        if isDirectory.boolValue { return .folder(url) }
        guard url.pathExtension.lowercased() == "safetensors" else { throw .notAModel(url) }
        return .singleFile(url)
    }
}
