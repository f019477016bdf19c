import Foundation
import Testing
@testable import LDBDiffusion

/// `ModelLocation.resolve` on local paths.
@Suite struct ModelLocationPathTests {
    /// An environment whose Hugging Face cache does not exist, so that only paths can be found.
    private let noCache = ["HF_HUB_CACHE": "/nonexistent-ldb-cache", "HOME": "/nonexistent-ldb-home"]

    @Test func aFolderIsAFolderAndASafetensorsFileIsASingleFile() throws {
        let folder = ModelFolderFixtures.model("tiny-sd1")
        let location = try ModelLocation.resolve(folder.path, environment: noCache)
        guard case .folder(let url) = location else {
            Issue.record("expected a folder, got \(location)")
            return
        }
        #expect(url.path == folder.path)
        #expect(try ModelFolder(url: url).textEncoderConfiguration.layerCount == 3)

        let file = folder.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        #expect(try ModelLocation.resolve(file.path, environment: noCache) == .singleFile(file))
    }

    @Test func expandsTheHomeFolderAndFollowsLinks() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let model = ModelFolderFixtures.model("tiny-sd1")
        try FileManager.default.createSymbolicLink(at: home.appendingPathComponent("sd"), withDestinationURL: model)
        try FileManager.default.createSymbolicLink(at: home.appendingPathComponent("Model.SafeTensors"),
                                                   withDestinationURL: model.appendingPathComponent("vae/diffusion_pytorch_model.safetensors"))
        let environment = ["HOME": home.path, "HF_HUB_CACHE": "/nonexistent-ldb-cache"]

        let folder = try ModelLocation.resolve("~/sd", environment: environment)
        #expect(folder.url.path == home.appendingPathComponent("sd").path)
        #expect(folder == .folder(folder.url) && (try? ModelFolder(url: folder.url)) != nil)
        let file = try ModelLocation.resolve("~/Model.SafeTensors", environment: environment)
        #expect(file == .singleFile(home.appendingPathComponent("Model.SafeTensors")))
    }

    @Test func rejectsAFileThatIsNotASafetensorsCheckpoint() throws {
        let file = ModelFolderFixtures.model("tiny-sd1").appendingPathComponent("unet/config.json")
        let error = modelLocationError { _ = try ModelLocation.resolve(file.path, environment: noCache) }
        #expect(error == .notAModel(file))
        #expect(error?.description.contains("not a model") == true)
        #expect(error?.description.contains(file.path) == true)
    }

    @Test func rejectsAPathThatDoesNotExist() throws {
        for reference in ["/nonexistent-ldb/model", "./missing", "missing-model", "a/b/c", ""] {
            let error = modelLocationError { _ = try ModelLocation.resolve(reference, environment: noCache) }
            #expect(error == .noSuchPath(reference), "\(reference)")
            #expect(error?.description.contains("no such file or folder: '\(reference)'") == true)
        }
        // An id-shaped reference is looked for in the cache too, and the message says so.
        let error = modelLocationError { _ = try ModelLocation.resolve("missing/model", environment: noCache) }
        let id = try #require(HubRepositoryID("missing/model"))
        #expect(error == .notInCache(id, repositoryFolder: URL(fileURLWithPath: "/nonexistent-ldb-cache/models--missing--model", isDirectory: true)))
    }

    @Test func rejectsARevisionForALocalPath() throws {
        let folder = ModelFolderFixtures.model("tiny-sd1")
        let error = modelLocationError { _ = try ModelLocation.resolve(folder.path, environment: noCache, revision: "main") }
        guard case .revisionForPath(let url, "main") = error else {
            Issue.record("unexpected error \(String(describing: error))")
            return
        }
        #expect(url.path == folder.path)
    }
}
