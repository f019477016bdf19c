import Foundation
import Testing
@testable import LDBDiffusion

/// `ModelLocation.cachedModels(environment:)`, for `ldb model list`.
@Suite struct ModelLocationListingTests {
    /// The size huggingface_hub's `scan_cache_dir` gives a revision: the sizes of its distinct blobs, here taken
    /// from the layout the fixture script recorded.
    private func expectedSize(of commit: String, in manifest: HubCacheManifest) -> Int64 {
        let blobs = Set((manifest.files[commit] ?? []).map(\.blob))
        return manifest.layout
            .filter { $0.kind == "file" && blobs.contains(($0.path as NSString).lastPathComponent) && $0.path.contains("/blobs/") }
            .reduce(0) { $0 + Int64($1.size ?? 0) }
    }

    @Test func listsTheDiffusersModelsOfTheCacheAtTheirMainCommit() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let manifest = cache.manifest
        // Another model, whose `main` is the older commit; listed before the first one.
        try cache.add("Another/tiny-sd", commit: manifest.v1, files: manifest.files[manifest.v1] ?? [])
        try cache.setRef("main", of: "Another/tiny-sd", to: manifest.v1)
        // Not listed: no refs/main, no model_index.json, not a model repository, not a repository at all.
        try cache.add("someone/no-main", commit: manifest.main, files: manifest.files[manifest.main] ?? [])
        try cache.setRef("v1", of: "someone/no-main", to: manifest.main)
        try cache.add("someone/no-index", commit: manifest.main,
                      files: (manifest.files[manifest.main] ?? []).filter { $0.path != "model_index.json" })
        try cache.setRef("main", of: "someone/no-index", to: manifest.main)
        try FileManager.default.createDirectory(at: cache.directory.appendingPathComponent("datasets--someone--data/refs"),
                                                withIntermediateDirectories: true)
        try Data("x".utf8).write(to: cache.directory.appendingPathComponent("version.txt"))

        let models = try ModelLocation.cachedModels(environment: cache.environment)
        #expect(models.map(\.id) == ["Another/tiny-sd", "ldb-fixtures/tiny-sd1"])
        let first = try #require(models.first), second = try #require(models.last)
        #expect(first.revision == manifest.v1 && first.folder.path == cache.snapshot(manifest.v1, of: "Another/tiny-sd").path)
        #expect(second.revision == manifest.main && second.folder.path == cache.snapshot(manifest.main).path)
        #expect(first.sizeOnDisk == expectedSize(of: manifest.v1, in: manifest))
        #expect(second.sizeOnDisk == expectedSize(of: manifest.main, in: manifest))
        #expect(second.sizeOnDisk > first.sizeOnDisk)
        #expect(models.allSatisfy { $0.isComplete })
        #expect(try ModelLocation.resolve(first.id, environment: cache.environment) == .folder(first.folder))
    }

    @Test func marksAModelWithMissingBlobsIncomplete() throws {
        let cache = try FakeHubCache()
        defer { cache.remove() }
        let path = "vae/diffusion_pytorch_model.safetensors"
        let blob = try cache.blob(of: path, commit: cache.manifest.main)
        let blobSize = Int64(try blob.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0)
        try FileManager.default.removeItem(at: blob)
        let model = try #require(try ModelLocation.cachedModels(environment: cache.environment).first)
        #expect(!model.isComplete)
        #expect(model.sizeOnDisk == expectedSize(of: cache.manifest.main, in: cache.manifest) - blobSize)
    }

    @Test func anAbsentCacheHoldsNoModels() throws {
        #expect(try ModelLocation.cachedModels(environment: ["HF_HUB_CACHE": "/nonexistent-ldb-cache"]).isEmpty)
    }
}
