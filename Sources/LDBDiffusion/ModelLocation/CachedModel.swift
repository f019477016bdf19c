import Foundation

/// A diffusers model found in the Hugging Face cache, at the commit its `main` ref names.
public struct CachedModel: Equatable, Sendable {
    /// The Hub id, `ORG/NAME`.
    public let id: String
    /// The commit hash of the snapshot.
    public let revision: String
    /// The snapshot folder, a diffusers model folder whose files link into the repository's blobs.
    public let folder: URL
    /// The bytes of the distinct blobs the snapshot's files reach (as huggingface_hub's `scan_cache_dir` counts
    /// a revision's size).
    public let sizeOnDisk: Int64
    /// Whether every file of the snapshot reaches its blob; `false` after an interrupted download.
    public let isComplete: Bool
}

extension ModelLocation {
    /// The diffusers models in the Hugging Face cache that `environment` selects, sorted by id
    /// (see `HubCache.models()`); empty when there is no cache.
    public static func cachedModels(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ModelLocationError) -> [CachedModel] {
        try HubCache(environment: environment).models()
    }
}
