import Foundation
import LDBDiffusion
import Testing
@testable import LDBHub

/// `HubDownloader` against `HubTestServer`, a Hub on 127.0.0.1 serving `Fixtures/models/tiny-sd1` as
/// `tiny-org/tiny-sd1`, plus files ldb must not download.
@Suite("Pulling from the Hub", .serialized)
struct HubDownloadTests {
    static let id = HubRepositoryID("tiny-org/tiny-sd1")!
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/models/tiny-sd1")
    static let unneeded: [String: Data] = [
        "unet/diffusion_pytorch_model.bin": Data(repeating: 1, count: 300),
        "text_encoder/pytorch_model.bin": Data(repeating: 2, count: 300),
        "vae/diffusion_flax_model.msgpack": Data(repeating: 3, count: 300),
        "safety_checker/config.json": Data("{}".utf8),
        "README.md": Data("# tiny\n".utf8),
    ]
    static let unetWeights = "unet/diffusion_pytorch_model.safetensors"

    /// A fresh server and an empty cache in a temporary folder.
    final class Setup {
        let server: HubTestServer
        let folder: URL
        var cacheFolder: URL { folder.appendingPathComponent("hub") }
        var repository: URL { cacheFolder.appendingPathComponent("models--tiny-org--tiny-sd1") }

        init() throws {
            server = try HubTestServer(serving: HubDownloadTests.fixture, as: "tiny-org/tiny-sd1",
                                       extraFiles: HubDownloadTests.unneeded)
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-hub-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        deinit {
            server.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        func environment(token: String? = nil) -> [String: String] {
            var environment = ["HF_HUB_CACHE": cacheFolder.path, "HF_ENDPOINT": server.endpoint]
            environment["HF_TOKEN"] = token
            return environment
        }

        func downloader(token: String? = nil, resumeAttempts: Int = 3) throws -> HubDownloader {
            var downloader = try HubDownloader(environment: environment(token: token))
            downloader.resumeAttempts = resumeAttempts
            return downloader
        }

        func blob(of path: String) throws -> URL {
            let file = try #require(server.files[path])
            return repository.appendingPathComponent("blobs/\(file.isLFS ? file.sha256 : file.gitBlobID)")
        }

        /// The paths of files requested from the Hub or its CDN, as repository paths.
        func requestedFiles(method: String = "GET") -> [String] {
            server.requests.filter { $0.method == method && !$0.path.hasPrefix("/api/") }.compactMap { request in
                if request.path.hasPrefix("/cdn/") {
                    return server.files.values.first { "/cdn/\($0.sha256)" == request.path }?.path
                }
                return request.path.components(separatedBy: "/resolve/").last?.split(separator: "/", maxSplits: 1).last
                    .map(String.init)
            }
        }
    }

    @Test func aPullIsACacheThatModelLocationAndModelFolderRead() throws {
        let setup = try Setup()
        let result = try setup.downloader().pull(Self.id)
        let server = setup.server

        #expect(result.commit == server.commit)
        #expect(result.files == [
            "model_index.json", "scheduler/scheduler_config.json", "text_encoder/config.json",
            "text_encoder/model.safetensors", "tokenizer/merges.txt", "tokenizer/special_tokens_map.json",
            "tokenizer/tokenizer_config.json", "tokenizer/vocab.json", "unet/config.json", Self.unetWeights,
            "vae/config.json", "vae/diffusion_pytorch_model.safetensors",
        ])
        // Found by id as any huggingface_hub download is, and loadable.
        let location = try ModelLocation.resolve("tiny-org/tiny-sd1", environment: setup.environment())
        #expect(location == .folder(result.snapshot))
        let folder = try ModelFolder(url: location.url)
        #expect(folder.textEncoderConfiguration.hiddenSize > 0)
        _ = try folder.autoencoder()

        // The layout: refs/main holds the commit without a newline; snapshot files are relative links to blobs
        // named by SHA-256 (LFS) or git blob id, holding the served bytes; no partial files are left.
        #expect(try String(contentsOf: setup.repository.appendingPathComponent("refs/main"), encoding: .utf8) == server.commit)
        let snapshot = setup.repository.appendingPathComponent("snapshots/\(server.commit)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: snapshot.appendingPathComponent("model_index.json").path)
                == "../../blobs/\(server.files["model_index.json"]!.gitBlobID)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: snapshot.appendingPathComponent(Self.unetWeights).path)
                == "../../../blobs/\(server.files[Self.unetWeights]!.sha256)")
        for path in result.files {
            #expect(try Data(contentsOf: snapshot.appendingPathComponent(path)) == server.files[path]?.contents, "\(path)")
            #expect(FileManager.default.fileExists(atPath: try setup.blob(of: path).path), "\(path)")
        }
        let blobs = try FileManager.default.contentsOfDirectory(atPath: setup.repository.appendingPathComponent("blobs").path)
        #expect(blobs.count == result.files.count)
        #expect(!blobs.contains { $0.hasSuffix(".incomplete") })

        // Only the needed files were fetched: no .bin, Flax, safety checker or README, and no fp16 weights.
        let fetched = Set(setup.requestedFiles())
        #expect(fetched == Set(result.files))
        #expect(Set(setup.requestedFiles(method: "HEAD")) == Set(result.files))

        // A second pull finds everything in place and fetches nothing.
        let before = server.requests.count
        let again = try setup.downloader().pull(Self.id)
        #expect(again.downloaded.isEmpty)
        #expect(server.requests.dropFirst(before).map(\.path) == ["/api/models/tiny-org/tiny-sd1/revision/main"])
    }

    @Test func theFP16VariantTakesHalfPrecisionWeightsWhereTheyExist() throws {
        let setup = try Setup()
        let result = try setup.downloader().pull(Self.id, variant: "fp16")
        let weights = result.files.filter { $0.hasSuffix(".safetensors") }
        #expect(weights == ["text_encoder/model.fp16.safetensors", "unet/diffusion_pytorch_model.fp16.safetensors",
                            "vae/diffusion_pytorch_model.safetensors"])
        let folder = try ModelFolder(url: result.snapshot)
        #expect(try folder.weightFiles(component: "unet", variant: "fp16").map(\.lastPathComponent)
                == ["diffusion_pytorch_model.fp16.safetensors"])
        #expect(!setup.requestedFiles().contains(Self.unetWeights))
    }

    @Test func anInterruptedTransferResumesWithTheRemainingBytesOnly() throws {
        let setup = try Setup()
        let server = setup.server
        let size = try #require(server.files[Self.unetWeights]).contents.count
        server.dropHalfway(Self.unetWeights)

        #expect {
            try setup.downloader(resumeAttempts: 0).pull(Self.id)
        } throws: { error in
            guard case HubDownloadError.interrupted(Self.unetWeights, let received, let expected, _) = error else { return false }
            return received == Int64(size / 2) && expected == Int64(size)
        }
        let incomplete = try setup.blob(of: Self.unetWeights).appendingPathExtension("incomplete")
        #expect(try Data(contentsOf: incomplete) == server.files[Self.unetWeights]?.contents.prefix(size / 2))
        #expect(!FileManager.default.fileExists(atPath: setup.repository.appendingPathComponent("refs/main").path))
        #expect(throws: ModelLocationError.self) { try ModelLocation.resolve("tiny-org/tiny-sd1", environment: setup.environment()) }

        let before = server.requests.count
        let result = try setup.downloader(resumeAttempts: 0).pull(Self.id)
        // The files after the interrupted one come now; the interrupted one is fetched from where it stopped.
        #expect(result.downloaded == [Self.unetWeights, "vae/config.json", "vae/diffusion_pytorch_model.safetensors"])
        let transfers = server.requests.dropFirst(before)
            .filter { $0.method == "GET" && $0.path == "/cdn/\(server.files[Self.unetWeights]!.sha256)" }
        #expect(transfers.map(\.range) == ["bytes=\(size / 2)-"])
        #expect(try Data(contentsOf: setup.blob(of: Self.unetWeights)) == server.files[Self.unetWeights]?.contents)
        #expect(!FileManager.default.fileExists(atPath: incomplete.path))
        _ = try ModelFolder(url: ModelLocation.resolve("tiny-org/tiny-sd1", environment: setup.environment()).url)
    }

    @Test func aBrokenConnectionIsResumedWithinOnePull() throws {
        let setup = try Setup()
        let size = try #require(setup.server.files[Self.unetWeights]).contents.count
        setup.server.dropHalfway(Self.unetWeights)
        try setup.downloader(resumeAttempts: 1).pull(Self.id)
        let ranges = setup.server.requests.filter { $0.path == "/cdn/\(setup.server.files[Self.unetWeights]!.sha256)" }
            .map(\.range)
        #expect(ranges == [nil, "bytes=\(size / 2)-"])
        #expect(try Data(contentsOf: setup.blob(of: Self.unetWeights)) == setup.server.files[Self.unetWeights]?.contents)
    }

    @Test(arguments: [unetWeights, "unet/config.json"])
    func aCorruptedPayloadIsRefusedAndNotWritten(path: String) throws {
        let setup = try Setup()
        setup.server.corrupt(path)
        #expect {
            try setup.downloader().pull(Self.id)
        } throws: { error in
            guard case HubDownloadError.checksumMismatch(path, _, _) = error else { return false }
            return true
        }
        let blob = try setup.blob(of: path)
        #expect(!FileManager.default.fileExists(atPath: blob.path))
        #expect(!FileManager.default.fileExists(atPath: blob.appendingPathExtension("incomplete").path))
        #expect((try? FileManager.default.destinationOfSymbolicLink(
            atPath: setup.repository.appendingPathComponent("snapshots/\(setup.server.commit)/\(path)").path)) == nil)
    }

    @Test func aTokenIsSentToTheHubButNotToTheCDN() throws {
        let setup = try Setup()
        setup.server.requireToken("hf_secret")
        #expect(throws: HubDownloadError.unauthorized(
            Self.id, url: URL(string: "\(setup.server.endpoint)/api/models/tiny-org/tiny-sd1/revision/main?blobs=true")!,
            status: 401, tokenSent: false)) {
            try setup.downloader().pull(Self.id)
        }
        #expect {
            try setup.downloader(token: "hf_wrong").pull(Self.id)
        } throws: { error in
            guard case HubDownloadError.unauthorized(_, _, 401, true) = error else { return false }
            return "\(error)".contains("HF_TOKEN was refused")
        }

        let before = setup.server.requests.count
        try setup.downloader(token: "hf_secret").pull(Self.id)
        let requests = setup.server.requests.dropFirst(before)
        #expect(requests.filter { !$0.path.hasPrefix("/cdn/") }.allSatisfy { $0.authorization == "Bearer hf_secret" })
        #expect(requests.filter { $0.path.hasPrefix("/cdn/") }.allSatisfy { $0.authorization == nil })
        #expect(requests.contains { $0.path.hasPrefix("/cdn/") })
    }

    @Test func unknownRevisionsAndRepositoriesNameWhatIsMissing() throws {
        let setup = try Setup()
        #expect {
            try setup.downloader().pull(Self.id, revision: "v9")
        } throws: { error in
            guard case HubDownloadError.notFound(_, _, "RevisionNotFound") = error else { return false }
            return "\(error)".contains("revision does not exist in tiny-org/tiny-sd1")
        }
        #expect(throws: HubDownloadError.invalidRevision("../main")) {
            try setup.downloader().pull(Self.id, revision: "../main")
        }
        #expect(throws: HubDownloadError.self) {
            try setup.downloader().pull(HubRepositoryID("nobody/nothing")!)
        }
    }
}
