import Foundation

/// Why a model reference (a path or a Hugging Face Hub id) does not lead to a model.
///
/// Each message says what was looked at, and what to do when the model was never downloaded.
public enum ModelLocationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No file or folder has this name, and it is not a Hub id (`ORG/NAME`) either.
    case noSuchPath(String)
    /// An existing file that is neither a diffusers folder nor a `.safetensors` checkpoint.
    case notAModel(URL)
    /// A revision was given with a local path; revisions select commits of Hub repositories only.
    case revisionForPath(URL, revision: String)
    /// A revision that cannot name a ref or a commit (empty, absolute, or with `.` or `..` components).
    case invalidRevision(String)
    /// A Hub id with no repository folder in the cache (and no file or folder of that name).
    case notInCache(HubRepositoryID, repositoryFolder: URL)
    /// The repository is cached, but no ref has this name; `cachedRefs` and `cachedCommits` are what is there.
    case unknownRevision(HubRepositoryID, revision: String, cachedRefs: [String], cachedCommits: [String])
    /// A file in `refs/` that does not hold a commit hash.
    case invalidRef(URL, contents: String)
    /// The revision names a commit whose `snapshots/<commit>/` folder is missing.
    case missingSnapshot(HubRepositoryID, revision: String, folder: URL)
    /// Files of the snapshot link to blobs that do not exist (an interrupted or cleaned-up download).
    case incompleteDownload(HubRepositoryID, snapshot: URL, files: [String])
    /// The snapshot has no `model_index.json`, so it is not a diffusers model.
    case notADiffusersModel(HubRepositoryID, snapshot: URL)
    /// The cache folder exists but cannot be listed.
    case unreadableCache(URL, reason: String)

    public var description: String {
        switch self {
        case .noSuchPath(let reference):
            return "no such file or folder: '\(reference)' (nor is it a Hugging Face Hub id of the form ORG/NAME)"
        case .notAModel(let url):
            return "not a model: \(url.path); a diffusers folder or a .safetensors checkpoint is expected"
        case .revisionForPath(let url, let revision):
            return "revision '\(revision)' was given for the local path \(url.path); revisions apply to Hugging Face Hub ids only"
        case .invalidRevision(let revision):
            return "invalid revision '\(revision)': expected a branch, a tag or a 40-digit commit hash"
        case .notInCache(let id, let folder):
            return "'\(id)' is neither a file or folder nor a model in the Hugging Face cache (looked for \(folder.path)); "
                + "download it with `ldb model pull \(id)`, or set HF_HUB_CACHE or HF_HOME if the cache is elsewhere"
        case .unknownRevision(let id, let revision, let refs, let commits):
            let cached = refs.isEmpty && commits.isEmpty ? "nothing else is cached"
                : "cached refs: \(Self.list(refs)); cached commits: \(Self.list(commits))"
            return "\(id) is in the Hugging Face cache, but its revision '\(revision)' is not (\(cached)); "
                + "download it with `ldb model pull \(id) --revision \(revision)`"
        case .invalidRef(let url, let contents):
            return "\(url.path) should hold a 40-digit commit hash, but holds '\(contents.prefix(80))'"
        case .missingSnapshot(let id, let revision, let folder):
            return "\(id): the snapshot of revision '\(revision)' is missing (\(folder.path)); "
                + "download it with `ldb model pull \(id)`"
        case .incompleteDownload(let id, let snapshot, let files):
            return "\(id) is not fully downloaded: in \(snapshot.path), \(Self.list(files)) "
                + "\(files.count == 1 ? "links to a blob that does" : "link to blobs that do") not exist; "
                + "download it again with `ldb model pull \(id)`"
        case .notADiffusersModel(let id, let snapshot):
            return "\(id) is cached in \(snapshot.path) but has no model_index.json: "
                + "a diffusers model (or a complete download of one) is expected"
        case .unreadableCache(let url, let reason):
            return "cannot read the Hugging Face cache \(url.path): \(reason)"
        }
    }

    private static func list(_ items: [String]) -> String {
        items.isEmpty ? "none" : items.joined(separator: ", ")
    }
}
