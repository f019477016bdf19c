import Foundation
import GRDB
import LDBImage
import LDBTensor
import Testing

/// `ldb render` and `ldb gc` end to end on the tiny model: outputs, caching across processes, interruption.
@Suite("ldb render")
struct RenderCommandTests {
    /// A generated 64x96 project on the tiny model with two overlapping layers, 6 steps.
    private func project(_ scratch: Scratch) throws -> String {
        let project = scratch.path("r.ldbproj")
        try ldbOK("new", project, "--model", ProbeCommandTests.model("tiny-sd1"), "--prompt", "a lighthouse",
                  "--seed", "3", "--size", "64x96", "--steps", "6")
        try ldbOK("layer", "add", project, "--name", "a", "--prompt", "red", "--box", "0,0,48,64", "--seed", "1",
                  "--regen-steps", "4")
        try ldbOK("layer", "add", project, "--name", "b", "--prompt", "blue", "--box", "16,32,48,64", "--seed", "2",
                  "--regen-steps", "5", "--feather", "2")
        return project
    }

    /// Renders with `--stats` and returns the UNet calls the report names, and the final latent.
    private func render(_ project: String, _ scratch: Scratch, _ extra: [String] = []) throws -> (calls: Int, latent: Tensor) {
        let latent = scratch.path("latent-\(UUID().uuidString).safetensors")
        let result = try ldb(["render", project, "-o", scratch.path("out.png"), "--latent-out", latent, "--stats"] + extra)
        try #require(result.succeeded, "render failed: \(result.stderr)")
        let calls = try #require(unetCalls(in: result.stdout), "no UNet count in: \(result.stdout)")
        return (calls, try SafeTensorsFile(contentsOf: URL(fileURLWithPath: latent)).tensor("latent"))
    }

    /// The number after "UNet calls" (or "UNet evaluations") in the `--stats` report.
    private func unetCalls(in report: String) -> Int? {
        for line in report.split(separator: "\n") where line.localizedCaseInsensitiveContains("unet") {
            if let number = line.split(whereSeparator: { !$0.isNumber }).first.flatMap({ Int($0) }) { return number }
        }
        return nil
    }

    @Test func rendersAPictureAndALatentAndCachesAcrossProcesses() throws {
        let scratch = try Scratch()
        let project = try project(scratch)
        let first = try render(project, scratch)
        // base 6 + layer a (4 - 2) + layer b (5 - 2) + finish 2
        #expect(first.calls == 6 + 2 + 3 + 2)
        #expect(first.latent.shape == [1, 4, 12, 8])
        let image = try RGBImage(png: URL(fileURLWithPath: scratch.path("out.png")))
        #expect((image.width, image.height) == (64, 96))

        let again = try render(project, scratch)  // a new process: everything comes from the document
        #expect(again.calls == 0)
        #expect(again.latent == first.latent)

        try ldbOK("layer", "hide", project, "b")
        #expect(try render(project, scratch).calls == 2)
        try ldbOK("undo", project)
        let undone = try render(project, scratch)
        #expect(undone.calls == 0)
        #expect(undone.latent == first.latent)

        try ldbOK("layer", "move", project, "b", "--to", "0")
        #expect(try render(project, scratch).calls == 2)  // reordering re-runs no layer
        try ldbOK("layer", "set", project, "a", "--strength", "0.3")
        #expect(try render(project, scratch).calls == (4 - 2) + 2)  // only layer a, then the finish
    }

    @Test func gcDropsCachesAndTheNextRenderRebuildsTheSamePixels() throws {
        let scratch = try Scratch()
        let project = try project(scratch)
        let first = try render(project, scratch)
        let gc = try ldbOK("gc", project)
        #expect(gc.stdout.contains("dropped"))
        let rebuilt = try render(project, scratch)
        #expect(rebuilt.calls == first.calls)
        #expect(rebuilt.latent == first.latent)
        let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        #expect((info["layers"] as? [Any])?.count == 2)
    }

    @Test func interruptedRendersLeaveAValidDocument() throws {
        let scratch = try Scratch()
        let project = try project(scratch)
        let reference = scratch.path("reference.ldbproj")
        try FileManager.default.copyItem(atPath: project, toPath: reference)
        let expected = try render(reference, scratch).latent

        var generator = SystemRandomNumberGenerator()
        for round in 0..<6 {
            let process = Process()
            process.executableURL = ldbExecutable
            process.arguments = ["render", project, "-o", scratch.path("killed.png")]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 20_000...400_000, using: &generator))
            kill(process.processIdentifier, round.isMultiple(of: 2) ? SIGKILL : SIGINT)
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus != 0 {
                #expect(process.terminationStatus == 130, "Ctrl-C should exit with 130")
            }
            let queue = try DatabaseQueue(path: project)
            let integrity = try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            try queue.close()
            #expect(integrity == ["ok"], "round \(round): \(integrity)")
        }
        // Whatever was cached before the kills is reused; the result is the uninterrupted one, bit for bit.
        #expect(try render(project, scratch).latent == expected)
        let history = try #require(try json(ldb("history", project, "--json")) as? [String: Any])
        #expect((history["revisions"] as? [Any])?.count == 3)
    }

    @Test func refusesAProjectWhoseModelIsGone() throws {
        let scratch = try Scratch()
        let model = try scratch.copyOfModel()
        let project = scratch.path("gone.ldbproj")
        try ldbOK("new", project, "--model", model.path, "--prompt", "x", "--seed", "1", "--size", "64x64")
        try FileManager.default.removeItem(at: model)
        try expectFailure(["render", project, "-o", scratch.path("x.png")], message: "model",
                          unchanged: project, scratch: scratch)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x.png")))
    }
}

/// Few-step models such as SD-Turbo: `trailing` timesteps and no classifier-free guidance, end to end.
@Suite("ldb render with a few-step model")
struct FewStepRenderTests {
    @Test func trailingSpacingAndGuidanceZeroRunOneUNetSamplePerStep() throws {
        let scratch = try Scratch()
        // The tiny model with SD-Turbo's scheduler settings.
        let model = scratch.folder.appendingPathComponent("tiny-turbo")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: ProbeCommandTests.model("tiny-sd1")), to: model)
        let config = model.appendingPathComponent("scheduler/scheduler_config.json")
        var settings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        settings["timestep_spacing"] = "trailing"
        try JSONSerialization.data(withJSONObject: settings).write(to: config)

        let project = scratch.path("turbo.ldbproj")
        try ldbOK("new", project, "--model", model.path, "--prompt", "a cat", "--seed", "9", "--size", "64x64",
                  "--steps", "4", "--blend-steps", "1", "--guidance", "0")
        try ldbOK("layer", "add", project, "--prompt", "a hat", "--box", "8,8,32,32", "--regen-steps", "3",
                  "--guidance", "1", "--seed", "3")
        let result = try ldb("render", project, "-o", scratch.path("turbo.png"), "--stats")
        try #require(result.succeeded, "\(result.stderr)")
        // base 4 + layer (3 - 1) + finish 1, each one UNet sample: no guidance batch anywhere.
        #expect(result.stdout.contains("UNet evaluations: 7 calls (7 samples)"), "\(result.stdout)")
    }
}
