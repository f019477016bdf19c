import Foundation
import LDBTensor
import Testing

/// The crashes, the lost project and the stale pixels of issue 12, each refused or fixed.
@Suite("Nothing a user types crashes ldb")
struct IssueReproducerTests {
    /// A generated 32x32 project on the tiny model with one layer, 4 steps.
    static func tinyProject(_ scratch: Scratch, model: URL? = nil, name: String = "p.ldbproj") throws -> String {
        let project = scratch.path(name)
        try ldbOK("new", project, "--model", (model ?? scratch.model).path, "--prompt", "a hut", "--seed", "3",
                  "--size", "32x32", "--steps", "4", "--blend-steps", "1")
        try ldbOK("layer", "add", project, "--name", "roof", "--prompt", "red", "--box", "0,0,16,16", "--seed", "1",
                  "--regen-steps", "3")
        return project
    }

    @Test func sizesThatCannotBeAllocatedAreRefusedWhereTheyAreGiven() throws {
        let scratch = try Scratch()
        let new = ["new", scratch.path("big.ldbproj"), "--model", scratch.model.path, "--prompt", "x"]
        try expectFailure(new + ["--size", "4294967296x4294967296"], message: "4096", unchanged: nil, scratch: scratch)
        try expectFailure(new + ["--size", "100000x100000"], message: "4096", unchanged: nil, scratch: scratch)
        try expectFailure(new + ["--size", "4096x4096"], message: "2048x2048", unchanged: nil, scratch: scratch)
        try expectFailure(["model", "probe", "randn", "--seed", "1", "--shape", "100000,100000,100000",
                           "-o", scratch.path("r.safetensors")], message: "shape", unchanged: nil, scratch: scratch)
        try expectFailure(["model", "probe", "sample", "--model", scratch.model.path, "--prompt", "p", "--steps", "2",
                           "--guidance", "1", "--seed", "1", "--size", "100000x100000",
                           "-o", scratch.path("s.safetensors")], message: "4096", unchanged: nil, scratch: scratch)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("big.ldbproj")))
    }

    @Test func outputsNeverOverwriteAProjectADatabaseOrAnInput() throws {
        let scratch = try Scratch()
        let project = try Self.tinyProject(scratch)
        try expectFailure(["render", project, "-o", project], message: "SQLite", unchanged: project, scratch: scratch)
        // A project by any name is still a database.
        let disguised = scratch.path("other.png")
        try FileManager.default.copyItem(atPath: project, toPath: disguised)
        try expectFailure(["render", project, "-o", disguised], message: "SQLite", unchanged: disguised, scratch: scratch)
        try expectFailure(["render", project, "-o", scratch.path("x.png"), "--latent-out", project],
                          message: "SQLite", unchanged: project, scratch: scratch)
        try expectFailure(["render", project, "-o", scratch.folder.path], message: "is a folder",
                          unchanged: project, scratch: scratch)
        try expectFailure(["render", project, "-o", scratch.path("x.jpg")], message: ".png",
                          unchanged: project, scratch: scratch)
        try expectFailure(["render", project, "-o", scratch.path("nowhere/x.png")], message: "does not exist",
                          unchanged: project, scratch: scratch)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x.png")), "a refused render wrote its picture")

        // Probes: never over their input tensors or the model.
        let input = scratch.path("in.safetensors")
        try SafeTensorsWriter.write(["latent": Tensor(shape: [1, 4, 4, 4], repeating: 0.1)], to: URL(fileURLWithPath: input))
        try expectFailure(["model", "probe", "vae-decode", "--model", scratch.model.path, "-i", input, "-o", input],
                          message: "input", unchanged: input, scratch: scratch)
        try expectFailure(["model", "probe", "vae-decode", "--model", scratch.model.path, "-i", input, "-o", project],
                          message: "SQLite", unchanged: project, scratch: scratch)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aPictureGoesToStandardOutputWithDash() throws {
        let scratch = try Scratch()
        let project = try Self.tinyProject(scratch)
        let result = try ldb("render", project, "-o", "-", "--stats")
        try #require(result.succeeded, "\(result.stderr)")
        #expect(result.stdoutData.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(result.stderr.contains("rendered -") && result.stderr.contains("UNet"))
    }

    @Test func aChangedWeightByteIsANewFingerprintAndARerender() throws {
        let scratch = try Scratch()
        let model = try scratch.copyOfModel()
        let project = try Self.tinyProject(scratch, model: model)
        let fingerprint = { () throws -> String in
            let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
            return try #require((info["model"] as? [String: Any])?["fingerprint"] as? String)
        }
        let recorded = try fingerprint()
        let inspect = { () throws -> String in
            let report = try #require(try json(ldb("model", "inspect", model.path, "--json")) as? [String: Any])
            return try #require(report["fingerprint"] as? String)
        }
        #expect(try inspect() == recorded)
        try ldbOK("render", project, "-o", scratch.path("1.png"))
        let again = try ldbOK("render", project, "-o", scratch.path("2.png"), "--stats")
        #expect(again.stdout.contains("UNet evaluations: 0 calls"), "\(again.stdout)")

        // Flip one byte of the UNet's last weight: same size, same header.
        let weights = model.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: weights)
        #expect(try inspect() != recorded)
        let changed = try ldb("render", project, "-o", scratch.path("3.png"), "--stats")
        try #require(changed.succeeded, "\(changed.stderr)")
        #expect(changed.stderr.contains("model's files changed"))
        #expect(!changed.stdout.contains("UNet evaluations: 0 calls"), "stale pixels served: \(changed.stdout)")
    }

    @Test func whatTheDocumentAcceptsTheModelRenders() throws {
        let scratch = try Scratch()
        let new = ["new", scratch.path("n.ldbproj"), "--model", scratch.model.path, "--prompt", "x", "--size", "32x32"]
        try expectFailure(new + ["--steps", "1000"], message: "timestep 1000", unchanged: nil, scratch: scratch)
        try expectFailure(new + ["--prediction", "v_prediction"], message: "v_prediction", unchanged: nil, scratch: scratch)
        let notAModel = scratch.folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: notAModel, withIntermediateDirectories: true)
        try expectFailure(["new", scratch.path("n.ldbproj"), "--model", notAModel.path, "--prompt", "x"],
                          message: "model_index.json", unchanged: nil, scratch: scratch)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("n.ldbproj")))

        let project = try Self.tinyProject(scratch)
        try expectFailure(["layer", "set", project, "roof", "--feather", "1e9"], message: "feather",
                          unchanged: project, scratch: scratch)
        for option in ["--guidance", "--strength"] {
            try expectFailure(["layer", "set", project, "roof", option, "1e39"], message: String(option.dropFirst(2)),
                              unchanged: project, scratch: scratch)
        }
        try expectFailure(new + ["--guidance", "1e39"], message: "guidance", unchanged: nil, scratch: scratch)
    }
}
