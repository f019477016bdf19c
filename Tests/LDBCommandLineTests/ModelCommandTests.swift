import Crypto
import Foundation
import Testing

/// `ldb model inspect` and `ldb model list`, and models named by Hugging Face id.
@Suite("ldb model")
struct ModelCommandTests {
    @Test func inspectReadsFamilyPredictionAndParameterCounts() throws {
        let sd1 = try #require(try json(ldb("model", "inspect", "--model", ProbeCommandTests.model("tiny-sd1"), "--json"))
                                as? [String: Any])
        let sd2 = try #require(try json(ldb("model", "inspect", "--model", ProbeCommandTests.model("tiny-sd2"), "--json"))
                                as? [String: Any])
        #expect(sd1["family"] as? String == "SD 1.x")
        #expect(sd2["family"] as? String == "SD 2.x")
        #expect(sd1["prediction_type"] as? String == "epsilon")
        #expect(sd2["prediction_type"] as? String == "v_prediction")
        #expect((sd1["fingerprint"] as? String)?.count == 64)

        let half = try #require(try json(ldb("model", "inspect", "--model", ProbeCommandTests.model("tiny-sd1"),
                                             "--variant", "fp16", "--json")) as? [String: Any])
        let full = try #require(sd1["components"] as? [[String: Any]])
        let halves = try #require(half["components"] as? [[String: Any]])
        #expect(full.map { $0["parameters"] as? Int } == halves.map { $0["parameters"] as? Int })
        #expect(full.allSatisfy { ($0["parameters"] as? Int ?? 0) > 0 })
        #expect(halves.first { $0["name"] as? String == "unet" }?["dtypes"] as? [String] == ["F16"])
    }

    @Test func aHubIDInTheCacheWorksLikeItsFolder() throws {
        let scratch = try Scratch()
        let cache = scratch.folder.appendingPathComponent("hub")
        try HubCacheLayout.add(folder: URL(fileURLWithPath: ProbeCommandTests.model("tiny-sd1")),
                               as: "tiny-org/tiny-sd1", to: cache)
        let environment = ["HF_HUB_CACHE": cache.path]
        let project = scratch.path("hub.ldbproj")
        let created = try ldb(["new", project, "--model", "tiny-org/tiny-sd1", "--prompt", "a hut", "--seed", "4",
                               "--size", "64x64", "--steps", "4"], environment: environment)
        try #require(created.succeeded, "\(created.stderr)")
        let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        #expect(info["width"] as? Int == 64)

        // The project stores the id, and renders from the cache exactly as from the folder itself.
        let listed = try ldb(["model", "list", project, "--json"], environment: environment)
        let list = try #require(try json(listed) as? [String: Any])
        #expect((list["cached"] as? [[String: Any]])?.map { $0["id"] as? String } == ["tiny-org/tiny-sd1"])
        #expect((list["projects"] as? [[String: Any]])?.first?["location"] as? String == "tiny-org/tiny-sd1")
        #expect((list["projects"] as? [[String: Any]])?.first?["status"] as? String == "found")

        let viaCache = try ldb(["render", project, "-o", scratch.path("a.png"), "--latent-out", scratch.path("a.st")],
                               environment: environment)
        try #require(viaCache.succeeded, "\(viaCache.stderr)")
        let direct = scratch.path("direct.ldbproj")
        try ldbOK("new", direct, "--model", ProbeCommandTests.model("tiny-sd1"), "--prompt", "a hut", "--seed", "4",
                  "--size", "64x64", "--steps", "4")
        try ldbOK("render", direct, "-o", scratch.path("b.png"), "--latent-out", scratch.path("b.st"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("a.st")))
                == Data(contentsOf: URL(fileURLWithPath: scratch.path("b.st"))))

        // Without the cache the id names nothing: a clear error, the project untouched.
        try expectFailure(["render", project, "-o", scratch.path("c.png")], message: "tiny-org/tiny-sd1",
                          unchanged: project, scratch: scratch)
        try expectFailure(["new", scratch.path("x.ldbproj"), "--model", "nobody/nothing", "--prompt", "p"],
                          message: "nobody/nothing", unchanged: nil, scratch: scratch)
    }
}

/// Lays a model folder out as huggingface_hub caches a download: content in `blobs/`, `refs/main` naming a
/// commit, and `snapshots/<commit>/` holding relative links into `blobs/`.
enum HubCacheLayout {
    static func add(folder: URL, as id: String, to cache: URL) throws {
        let repository = cache.appendingPathComponent("models--" + id.replacingOccurrences(of: "/", with: "--"))
        let commit = String(repeating: "c0ffee", count: 7).prefix(40)
        let snapshot = repository.appendingPathComponent("snapshots/\(commit)")
        let blobs = repository.appendingPathComponent("blobs")
        let manager = FileManager.default
        try manager.createDirectory(at: blobs, withIntermediateDirectories: true)
        try manager.createDirectory(at: repository.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try Data(commit.utf8).write(to: repository.appendingPathComponent("refs/main"))
        let files = manager.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let file as URL in files where (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let relative = String(file.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            let data = try Data(contentsOf: file)
            let blob = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            try data.write(to: blobs.appendingPathComponent(blob))
            let link = snapshot.appendingPathComponent(relative)
            try manager.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            let depth = relative.split(separator: "/").count - 1
            let target = String(repeating: "../", count: depth + 2) + "blobs/" + blob
            try manager.createSymbolicLink(atPath: link.path, withDestinationPath: target)
        }
    }
}

/// Single-file checkpoints in the original Stable Diffusion layout, through the same commands.
@Suite("ldb with single-file checkpoints")
struct SingleFileCommandTests {
    static func checkpoint(_ name: String) -> String {
        ProbeCommandTests.fixtures.appendingPathComponent("single-file/\(name).safetensors").path
    }

    @Test func probesOfACheckpointEqualThoseOfItsFolder() throws {
        let scratch = try Scratch()
        // tiny-sd1.safetensors holds the folder's fp16 UNet; its head counts come from the folder's configs.
        let viaFile = try ldb(["model", "probe", "unet", "--model", Self.checkpoint("tiny-sd1"),
                               "--config", ProbeCommandTests.model("tiny-sd1"),
                               "-i", ProbeCommandTests.reference("tiny-sd1", "unet.safetensors"),
                               "-o", scratch.path("file.safetensors")])
        try #require(viaFile.succeeded, "\(viaFile.stderr)")
        try ldbOK("model", "probe", "unet", "--model", ProbeCommandTests.model("tiny-sd1"), "--variant", "fp16",
                  "-i", ProbeCommandTests.reference("tiny-sd1", "unet.safetensors"), "-o", scratch.path("folder.safetensors"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("file.safetensors")))
                == Data(contentsOf: URL(fileURLWithPath: scratch.path("folder.safetensors"))))

        let inspected = try #require(try json(ldb("model", "inspect", "--model", Self.checkpoint("tiny-sd2"),
                                                  "--config", ProbeCommandTests.model("tiny-sd2"), "--json"))
                                     as? [String: Any])
        #expect(inspected["kind"] as? String == "single-file checkpoint")
        #expect(inspected["family"] as? String == "SD 2.x")
        #expect(inspected["prediction_type"] as? String == "v_prediction")
    }

    @Test func anSD2CheckpointNeedsItsPredictionType() throws {
        let scratch = try Scratch()
        try expectFailure(["model", "inspect", "--model", Self.checkpoint("tiny-sd2")], message: "--prediction",
                          unchanged: nil, scratch: scratch)
        let notAModel = scratch.path("notes.txt")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notAModel))
        try expectFailure(["model", "inspect", "--model", notAModel], message: "not a model", unchanged: nil,
                          scratch: scratch)
    }
}
