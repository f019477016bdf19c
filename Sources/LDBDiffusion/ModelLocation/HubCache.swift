import Foundation

/// The Hugging Face Hub cache, read in place, as huggingface_hub 2.4.0 writes it (`file_download.py`:
/// `repo_folder_name`, `_create_symlink`, `_cache_commit_hash_for_specific_revision`):
///
/// ```
/// <cache>/models--ORG--NAME/
///     blobs/<etag>                          file contents (SHA-256 of LFS files, git blob id of the others)
///     refs/main                             the commit `main` points to; other branches, tags, refs/pr/N alike
///     snapshots/<commit>/model_index.json -> ../../blobs/<etag>
///     snapshots/<commit>/unet/config.json -> ../../../blobs/<etag>
/// ```
///
/// A repository's `blobs/<etag>` may itself link into the cache-wide store `<cache>/blobs/` (Xet downloads);
/// links are followed to their end. A link whose blob is missing means an interrupted or cleaned-up download.
public struct HubCache: Sendable {
    /// The cache folder, which holds the `models--ORG--NAME` folders.
    public let directory: URL

    /// The cache at `directory`.
    public init(directory: URL) {
        self.directory = directory
    }

    /// The cache huggingface_hub uses in `environment`, with its precedence: `$HF_HUB_CACHE`, the legacy
    /// `$HUGGINGFACE_HUB_CACHE`, `$HF_HOME/hub`, `$XDG_CACHE_HOME/huggingface/hub`, `~/.cache/huggingface/hub`.
    ///
    /// `~` and `$VARIABLE` are expanded as huggingface_hub expands them. Unlike Python, a variable set to the
    /// empty string counts as unset (huggingface_hub would use a folder relative to the working directory).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        func expand(_ path: String) -> String {
            PathExpansion.expanding(path, environment: environment)
        }
        func join(_ folder: String, _ name: String) -> String {
            folder.hasSuffix("/") ? folder + name : folder + "/" + name
        }
        let path: String
        if let hubCache = value("HF_HUB_CACHE") ?? value("HUGGINGFACE_HUB_CACHE") {
            path = expand(hubCache)
        } else {
            let home = expand(value("HF_HOME") ?? join(value("XDG_CACHE_HOME") ?? "~/.cache", "huggingface"))
            path = expand(join(home, "hub"))
        }
        self.init(directory: URL(fileURLWithPath: path, isDirectory: true).absoluteURL.standardizedFileURL)
    }

    /// The folder of a repository, `<cache>/models--ORG--NAME` (it may not exist).
    public func repositoryFolder(for id: HubRepositoryID) -> URL {
        directory.appendingPathComponent(id.cacheFolderName, isDirectory: true)
    }

    /// The commit that `revision` names: a 40-digit commit hash as it is, otherwise the one its file in `refs/`
    /// holds (`main`, another branch, a tag, `refs/pr/1`).
    public func commit(for id: HubRepositoryID, revision: String = "main") throws(ModelLocationError) -> String {
        let folder = try existingRepositoryFolder(for: id)
        if Self.isCommitHash(revision) { return revision }
        let components = revision.split(separator: "/", omittingEmptySubsequences: false)
        guard components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw .invalidRevision(revision)
        }
        let ref = folder.appendingPathComponent("refs").appendingPathComponent(revision)
        guard let contents = try? String(contentsOf: ref, encoding: .utf8) else {
            throw .unknownRevision(id, revision: revision, cachedRefs: refs(in: folder), cachedCommits: commits(in: folder))
        }
        let commit = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.isCommitHash(commit) else { throw .invalidRef(ref, contents: contents) }
        return commit
    }

    /// The snapshot folder of `revision`, `<cache>/models--ORG--NAME/snapshots/<commit>/`, after checking that it
    /// exists and that every link in it reaches its blob.
    public func snapshot(for id: HubRepositoryID, revision: String = "main") throws(ModelLocationError) -> URL {
        let commit = try commit(for: id, revision: revision)
        let snapshot = snapshotFolder(for: id, commit: commit)
        guard Self.isDirectory(snapshot) else {
            throw .missingSnapshot(id, revision: revision, folder: snapshot)
        }
        let broken = files(in: snapshot).filter { !$0.exists }.map(\.relativePath)
        guard broken.isEmpty else { throw .incompleteDownload(id, snapshot: snapshot, files: broken) }
        return snapshot
    }

    /// The diffusers models in the cache: every `models--ORG--NAME` whose `main` snapshot has a
    /// `model_index.json`, sorted by id. Repositories without `refs/main` or without that snapshot are skipped.
    public func models() throws(ModelLocationError) -> [CachedModel] {
        guard Self.isDirectory(directory) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadableCache(directory, reason: error.localizedDescription)
        }
        var models: [CachedModel] = []
        for name in names {
            guard let id = HubRepositoryID(cacheFolderName: name),
                  let commit = try? commit(for: id, revision: "main") else { continue }
            let snapshot = snapshotFolder(for: id, commit: commit)
            guard FileManager.default.fileExists(atPath: snapshot.appendingPathComponent("model_index.json").path) else {
                continue
            }
            let files = files(in: snapshot)
            var blobSizes: [String: Int64] = [:]
            for file in files where file.exists {
                let blob = file.url.resolvingSymlinksInPath()
                blobSizes[blob.path] = Int64((try? blob.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
            }
            models.append(CachedModel(id: id.description, revision: commit, folder: snapshot,
                                      sizeOnDisk: blobSizes.values.reduce(0, +),
                                      isComplete: files.allSatisfy(\.exists)))
        }
        return models.sorted { $0.id.lowercased() < $1.id.lowercased() }
    }

    /// One file of a snapshot (a link into `blobs/`, or a plain file where symlinks were not available).
    struct SnapshotFile {
        /// The path inside the snapshot (`unet/config.json`).
        let relativePath: String
        let url: URL
        /// Whether the file, or the blob its links lead to, exists.
        let exists: Bool
    }

    /// Every file of a snapshot, sorted by path; links to folders are not followed.
    func files(in snapshot: URL) -> [SnapshotFile] {
        let manager = FileManager.default
        guard let paths = manager.enumerator(atPath: snapshot.path) else { return [] }
        var files: [SnapshotFile] = []
        for case let path as String in paths {
            let url = snapshot.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            let exists = manager.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let isLink = (try? manager.destinationOfSymbolicLink(atPath: url.path)) != nil
            if isDirectory.boolValue && !isLink { continue }
            files.append(SnapshotFile(relativePath: path, url: url, exists: exists))
        }
        return files.sorted { $0.relativePath < $1.relativePath }
    }

    private func existingRepositoryFolder(for id: HubRepositoryID) throws(ModelLocationError) -> URL {
        let folder = repositoryFolder(for: id)
        guard Self.isDirectory(folder) else { throw .notInCache(id, repositoryFolder: folder) }
        return folder
    }

    private func snapshotFolder(for id: HubRepositoryID, commit: String) -> URL {
        repositoryFolder(for: id).appendingPathComponent("snapshots", isDirectory: true)
            .appendingPathComponent(commit, isDirectory: true)
    }

    /// The refs of a repository, as paths under `refs/` (`main`, `refs/pr/1`), sorted.
    private func refs(in folder: URL) -> [String] {
        let refs = folder.appendingPathComponent("refs")
        guard let paths = FileManager.default.enumerator(atPath: refs.path) else { return [] }
        return paths.compactMap { $0 as? String }
            .filter { !Self.isDirectory(refs.appendingPathComponent($0)) }
            .sorted()
    }

    /// The commits that have a snapshot folder, sorted.
    private func commits(in folder: URL) -> [String] {
        let snapshots = folder.appendingPathComponent("snapshots")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: snapshots.path)) ?? []
        return names.filter(Self.isCommitHash).sorted()
    }

    /// Whether `text` is a full commit hash: 40 lowercase hexadecimal digits (huggingface_hub's `REGEX_COMMIT_HASH`).
    static func isCommitHash(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
