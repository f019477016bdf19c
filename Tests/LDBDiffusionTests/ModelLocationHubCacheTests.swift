import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// What `Fixtures/scripts/hubcache_fixtures.py` recorded from huggingface_hub itself
/// (`Fixtures/hubcache/tiny-sd1-cache.json`): the layout it wrote for a repository holding `models/tiny-sd1`
/// at two commits, the cache folder it chooses in several environments, and the ids it accepts.
struct HubCacheManifest: Decodable {
    struct File: Decodable {
        let path: String
        let blob: String
    }

    struct Entry: Decodable, Equatable {
        let path: String
        let kind: String
        var target: String?
        var size: Int?
        var text: String?
    }

    struct CacheDirectoryCase: Decodable {
        let environment: [String: String]
        let cache: String
    }

    struct RepositoryIDCase: Decodable {
        let id: String
        let valid: Bool
    }

    let huggingfaceHub: String
    let repoId: String
    let revisions: [String: String]
    let files: [String: [File]]
    let layout: [Entry]
    let cacheDirectoryCases: [CacheDirectoryCase]
    let repoIdCases: [RepositoryIDCase]

    static func load() throws -> HubCacheManifest {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let url = ModelFolderFixtures.root.appendingPathComponent("hubcache/tiny-sd1-cache.json")
        return try decoder.decode(HubCacheManifest.self, from: Data(contentsOf: url))
    }

    var main: String { revisions["main"] ?? "" }
    var v1: String { revisions["v1"] ?? "" }
}

/// A Hugging Face cache in a fresh temporary folder, written the way huggingface_hub's `hf_hub_download`
/// writes one: blobs copied under `blobs/<etag>`, relative links from `snapshots/<commit>/<path>`, and the
/// commit hash, without a newline, in `refs/<revision>`.
struct FakeHubCache {
    /// The temporary folder, removed by `remove()`.
    let root: URL
    /// The cache folder (`root/hub` unless told otherwise).
    let directory: URL
    let manifest: HubCacheManifest

    /// A cache at `root/<path>` holding the manifest's repository at all of its revisions.
    init(at path: String = "hub") throws {
        manifest = try HubCacheManifest.load()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-hubcache-\(UUID().uuidString)")
        directory = root.appendingPathComponent(path, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (commit, files) in manifest.files.sorted(by: { $0.key < $1.key }) {
            try add(manifest.repoId, commit: commit, files: files)
        }
        for (revision, commit) in manifest.revisions {
            try setRef(revision, of: manifest.repoId, to: commit)
        }
    }

    var id: HubRepositoryID {
        HubRepositoryID(manifest.repoId)!
    }

    /// The environment that selects this cache.
    var environment: [String: String] {
        ["HF_HUB_CACHE": directory.path]
    }

    func repositoryFolder(_ id: String) -> URL {
        directory.appendingPathComponent("models--" + id.replacingOccurrences(of: "/", with: "--"), isDirectory: true)
    }

    func snapshot(_ commit: String, of id: String? = nil) -> URL {
        repositoryFolder(id ?? manifest.repoId).appendingPathComponent("snapshots/\(commit)", isDirectory: true)
    }

    /// Adds `files` of `Fixtures/models/tiny-sd1` as commit `commit` of repository `id`.
    func add(_ id: String, commit: String, files: [HubCacheManifest.File]) throws {
        let manager = FileManager.default
        let repository = repositoryFolder(id)
        let blobs = repository.appendingPathComponent("blobs")
        try manager.createDirectory(at: blobs, withIntermediateDirectories: true)
        for file in files {
            let blob = blobs.appendingPathComponent(file.blob)
            if !manager.fileExists(atPath: blob.path) {
                try manager.copyItem(at: ModelFolderFixtures.model("tiny-sd1").appendingPathComponent(file.path), to: blob)
            }
            let pointer = snapshot(commit, of: id).appendingPathComponent(file.path)
            try manager.createDirectory(at: pointer.deletingLastPathComponent(), withIntermediateDirectories: true)
            let depth = file.path.split(separator: "/").count + 1
            try manager.createSymbolicLink(atPath: pointer.path,
                                           withDestinationPath: String(repeating: "../", count: depth) + "blobs/" + file.blob)
        }
    }

    func setRef(_ revision: String, of id: String, to commit: String) throws {
        let ref = repositoryFolder(id).appendingPathComponent("refs/\(revision)")
        try FileManager.default.createDirectory(at: ref.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(commit.utf8).write(to: ref)
    }

    /// The blob a snapshot file of the manifest's repository links to.
    func blob(of path: String, commit: String) throws -> URL {
        let file = try #require(manifest.files[commit]?.first { $0.path == path })
        return repositoryFolder(manifest.repoId).appendingPathComponent("blobs/\(file.blob)")
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// The error `body` throws, recorded as an issue when it throws none or another kind.
func modelLocationError(_ body: () throws -> Void) -> ModelLocationError? {
    do {
        try body()
        Issue.record("expected a ModelLocationError")
    } catch let error as ModelLocationError {
        return error
    } catch {
        Issue.record("expected a ModelLocationError, got \(error)")
    }
    return nil
}

@Suite struct ModelLocationHubCacheTests {
    /// Every entry under `folder`, keyed by its path from the cache folder, as the fixture script records them.
    private func layout(of folder: URL) throws -> [String: HubCacheManifest.Entry] {
        let manager = FileManager.default
        var entries: [String: HubCacheManifest.Entry] = [:]
        let prefix = folder.lastPathComponent
        for case let relative as String in try #require(manager.enumerator(atPath: folder.path)) {
            let url = folder.appendingPathComponent(relative)
            let path = prefix + "/" + relative
            var entry: HubCacheManifest.Entry
            if let target = try? manager.destinationOfSymbolicLink(atPath: url.path) {
                entry = .init(path: path, kind: "symlink", target: target)
            } else if (try url.resourceValues(forKeys: [.isDirectoryKey])).isDirectory == true {
                entry = .init(path: path, kind: "directory")
            } else {
                entry = .init(path: path, kind: "file", size: try url.resourceValues(forKeys: [.fileSizeKey]).fileSize)
                if relative.hasPrefix("refs/") { entry.text = try String(contentsOf: url, encoding: .utf8) }
            }
            entries[path] = entry
        }
        return entries
    }

    @Test func writesTheLayoutHuggingfaceHubWrites() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        #expect(cache.manifest.huggingfaceHub == "2.4.0")
        let ours = try layout(of: cache.repositoryFolder(cache.manifest.repoId))
        let theirs = Dictionary(uniqueKeysWithValues: cache.manifest.layout.map { ($0.path, $0) })
        #expect(ours.count == theirs.count)
        for (path, entry) in theirs {
            #expect(ours[path] == entry, "\(path)")
        }
    }

    @Test func resolvesAnIDToItsMainSnapshotWhichLoadsAndRuns() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let location = try ModelLocation.resolve(cache.manifest.repoId, environment: cache.environment)
        #expect(location == .folder(cache.snapshot(cache.manifest.main)))
        // The snapshot's files are links; everything ModelFolder reads goes through them.
        let modelIndex = location.url.appendingPathComponent("model_index.json").path
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: modelIndex).hasPrefix("../../blobs/"))

        let folder = try ModelFolder(url: location.url)
        #expect(try folder.weightFiles(component: "unet", variant: "fp16").map(\.lastPathComponent)
            == ["diffusion_pytorch_model.fp16.safetensors"])
        let reference = try ModelFolderFixtures.reference("tiny-sd1", "text_encoder")
        let ids = try reference.int64s("input_ids.0").map { Int($0) }
        let state = try folder.textEncoder().encode([ids])
        let (difference, tolerance) = ModelFolderFixtures.deviation(
            state, try reference.tensor("last_hidden_state.0", shape: [1, 77, 32]))
        #expect(difference <= tolerance)
        #expect(try folder.autoencoder().decode(Tensor(shape: [1, 4, 2, 2], repeating: 0.5)).shape == [1, 3, 16, 16])
    }

    @Test func resolvesBranchesPullRequestRefsAndCommitHashes() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let manifest = cache.manifest
        for revision in ["main", manifest.main] {
            #expect(try ModelLocation.resolve(manifest.repoId, environment: cache.environment, revision: revision)
                == .folder(cache.snapshot(manifest.main)))
        }
        for revision in ["v1", "refs/pr/1", manifest.v1] {
            let location = try ModelLocation.resolve(manifest.repoId, environment: cache.environment, revision: revision)
            #expect(location == .folder(cache.snapshot(manifest.v1)), "\(revision)")
            // Commit v1 has no fp16 files, so this is really the other snapshot.
            #expect(throws: ModelError.self) {
                try ModelFolder(url: location.url).weightFiles(component: "unet", variant: "fp16")
            }
        }
        // A commit hash needs no ref.
        for ref in ["refs/v1", "refs/refs"] {
            try FileManager.default.removeItem(at: cache.repositoryFolder(manifest.repoId).appendingPathComponent(ref))
        }
        #expect(try ModelLocation.resolve(manifest.repoId, environment: cache.environment, revision: manifest.v1)
            == .folder(cache.snapshot(manifest.v1)))
    }

    @Test func findsTheCacheWhereHuggingfaceHubLooks() throws {
        let manifest = try HubCacheManifest.load()
        #expect(manifest.cacheDirectoryCases.count >= 10)
        for reference in manifest.cacheDirectoryCases {
            #expect(HubCache(environment: reference.environment).directory.path
                == URL(fileURLWithPath: reference.cache).standardizedFileURL.path, "\(reference.environment)")
        }
        // Empty variables count as unset.
        #expect(HubCache(environment: ["HOME": "/home/user", "HF_HUB_CACHE": "", "HF_HOME": ""]).directory.path
            == "/home/user/.cache/huggingface/hub")
    }

    @Test func resolvesThroughEachEnvironmentVariable() throws {
        let cache = try FakeHubCache(at: "xdg/huggingface/hub")
        defer { cache.remove() }
        let id = cache.manifest.repoId
        let expected = ModelLocation.folder(cache.snapshot(cache.manifest.main))
        let xdg = cache.root.appendingPathComponent("xdg").path
        let home = cache.root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: home.appendingPathComponent(".cache").path, withDestinationPath: xdg)
        let found: [[String: String]] = [
            ["HF_HUB_CACHE": cache.directory.path, "HF_HOME": "/nowhere"],
            ["HUGGINGFACE_HUB_CACHE": cache.directory.path, "HF_HOME": "/nowhere"],
            ["HF_HOME": xdg + "/huggingface", "XDG_CACHE_HOME": "/nowhere"],
            ["XDG_CACHE_HOME": xdg, "HOME": "/nowhere"],
            ["HOME": home.path],
        ]
        for environment in found {
            // `~/.cache` is a link to the cache's folder here.
            let location = try ModelLocation.resolve(id, environment: environment)
            #expect(location.url.resolvingSymlinksInPath().path == expected.url.resolvingSymlinksInPath().path, "\(environment)")
        }
        // A higher-precedence variable hides the cache.
        let hidden: [(environment: [String: String], cache: String)] = [
            (["HF_HUB_CACHE": "/nowhere", "HUGGINGFACE_HUB_CACHE": cache.directory.path], "/nowhere"),
            (["HUGGINGFACE_HUB_CACHE": "/nowhere", "HF_HOME": xdg + "/huggingface"], "/nowhere"),
            (["HF_HOME": "/nowhere", "XDG_CACHE_HOME": xdg], "/nowhere/hub"),
        ]
        for (environment, searched) in hidden {
            let error = modelLocationError { _ = try ModelLocation.resolve(id, environment: environment) }
            #expect(error == .notInCache(cache.id, repositoryFolder: URL(fileURLWithPath: searched, isDirectory: true)
                .appendingPathComponent("models--ldb-fixtures--tiny-sd1", isDirectory: true)), "\(environment)")
        }
    }

    @Test func reportsALinkToAMissingBlobAsAnIncompleteDownload() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let path = "unet/diffusion_pytorch_model.safetensors"
        try FileManager.default.removeItem(at: cache.blob(of: path, commit: cache.manifest.main))
        let error = modelLocationError { _ = try ModelLocation.resolve(cache.manifest.repoId, environment: cache.environment) }
        #expect(error == .incompleteDownload(cache.id, snapshot: cache.snapshot(cache.manifest.main), files: [path]))
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("ldb model pull ldb-fixtures/tiny-sd1") == true)
    }

    /// huggingface_hub 2.4 may keep Xet downloads in `<cache>/blobs/<2 hex>/<hash>`, with the repository's
    /// `blobs/<etag>` a relative link to it (`utils/_shared_blobs.py`).
    @Test func followsLinksIntoTheSharedBlobStore() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let manager = FileManager.default
        let blob = try cache.blob(of: "text_encoder/model.safetensors", commit: cache.manifest.main)
        let hash = String(repeating: "ab", count: 32)
        let store = cache.directory.appendingPathComponent("blobs/ab")
        try manager.createDirectory(at: store, withIntermediateDirectories: true)
        try manager.moveItem(at: blob, to: store.appendingPathComponent(hash))
        try manager.createSymbolicLink(atPath: blob.path, withDestinationPath: "../../blobs/ab/\(hash)")

        let location = try ModelLocation.resolve(cache.manifest.repoId, environment: cache.environment)
        let reference = try ModelFolderFixtures.reference("tiny-sd1", "text_encoder")
        let state = try ModelFolder(url: location.url).textEncoder().encode([reference.int64s("input_ids.1").map { Int($0) }])
        let (difference, tolerance) = ModelFolderFixtures.deviation(
            state, try reference.tensor("last_hidden_state.1", shape: [1, 77, 32]))
        #expect(difference <= tolerance)

        try manager.removeItem(at: store.appendingPathComponent(hash))
        let error = modelLocationError { _ = try ModelLocation.resolve(cache.manifest.repoId, environment: cache.environment) }
        #expect(error == .incompleteDownload(cache.id, snapshot: cache.snapshot(cache.manifest.main),
                                             files: ["text_encoder/model.safetensors"]))
    }

    @Test func explainsAnIDThatIsNotCached() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let error = modelLocationError { _ = try ModelLocation.resolve("someone/missing-model", environment: cache.environment) }
        let id = try #require(HubRepositoryID("someone/missing-model"))
        #expect(error == .notInCache(id, repositoryFolder: cache.repositoryFolder("someone/missing-model")))
        let message = error?.description ?? ""
        #expect(message.contains("ldb model pull someone/missing-model"))
        #expect(message.contains(cache.directory.appendingPathComponent("models--someone--missing-model").path))
    }

    @Test func explainsMissingRefsAndSnapshots() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let manifest = cache.manifest
        let repository = cache.repositoryFolder(manifest.repoId)
        func resolve(_ revision: String?) -> ModelLocationError? {
            modelLocationError { _ = try ModelLocation.resolve(manifest.repoId, environment: cache.environment, revision: revision) }
        }

        let unknown = resolve("fp32")
        #expect(unknown == .unknownRevision(cache.id, revision: "fp32", cachedRefs: ["main", "refs/pr/1", "v1"],
                                            cachedCommits: [manifest.main, manifest.v1].sorted()))
        #expect(unknown?.description.contains("ldb model pull ldb-fixtures/tiny-sd1 --revision fp32") == true)

        let absent = String(repeating: "0", count: 40)
        #expect(resolve(absent) == .missingSnapshot(cache.id, revision: absent, folder: cache.snapshot(absent)))

        try FileManager.default.removeItem(at: cache.snapshot(manifest.v1))
        #expect(resolve("v1") == .missingSnapshot(cache.id, revision: "v1", folder: cache.snapshot(manifest.v1)))

        try FileManager.default.removeItem(at: repository.appendingPathComponent("refs/main"))
        #expect(resolve(nil) == .unknownRevision(cache.id, revision: "main", cachedRefs: ["refs/pr/1", "v1"],
                                                 cachedCommits: [manifest.main]))
    }

    @Test func rejectsInvalidRevisionsAndRefs() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let id = cache.manifest.repoId
        for revision in ["", "../main", "refs/../main", "/main", "a//b", "./main"] {
            #expect(modelLocationError { _ = try ModelLocation.resolve(id, environment: cache.environment, revision: revision) }
                == .invalidRevision(revision))
        }
        try cache.setRef("main", of: id, to: "not a commit")
        #expect(modelLocationError { _ = try ModelLocation.resolve(id, environment: cache.environment) }
            == .invalidRef(cache.repositoryFolder(id).appendingPathComponent("refs/main"), contents: "not a commit"))
        // A trailing newline (a hand-edited ref) is accepted.
        try cache.setRef("main", of: id, to: cache.manifest.v1 + "\n")
        #expect(try ModelLocation.resolve(id, environment: cache.environment) == .folder(cache.snapshot(cache.manifest.v1)))
    }

    @Test func rejectsASnapshotThatIsNotADiffusersModel() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let snapshot = cache.snapshot(cache.manifest.main)
        try FileManager.default.removeItem(at: snapshot.appendingPathComponent("model_index.json"))
        let error = modelLocationError { _ = try ModelLocation.resolve(cache.manifest.repoId, environment: cache.environment) }
        #expect(error == .notADiffusersModel(cache.id, snapshot: snapshot))
        #expect(error?.description.contains("model_index.json") == true)
    }

    @Test func acceptsTheIDsHuggingfaceHubAcceptsThatHaveANamespace() throws {
        let manifest = try HubCacheManifest.load()
        for reference in manifest.repoIdCases {
            let parsed = HubRepositoryID(reference.id)
            #expect((parsed != nil) == (reference.valid && reference.id.contains("/")), "\(reference.id)")
            #expect(parsed.map(\.description) ?? reference.id == reference.id)
        }
        let id = try #require(HubRepositoryID("stabilityai/sd-turbo"))
        #expect(id.namespace == "stabilityai" && id.name == "sd-turbo")
        #expect(id.cacheFolderName == "models--stabilityai--sd-turbo")
        #expect(HubRepositoryID(cacheFolderName: "models--stabilityai--sd-turbo") == id)
        for name in ["datasets--stabilityai--sd-turbo", "models--sd-turbo", "models--a--b--c", "blobs", ".locks"] {
            #expect(HubRepositoryID(cacheFolderName: name) == nil, "\(name)")
        }
    }
}
