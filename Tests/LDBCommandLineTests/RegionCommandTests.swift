import Foundation
import Testing

/// Region mode end to end: `ldb new --region`, `ldb set`, `ldb render --region … --json`.
@Suite("ldb set and region mode")
struct RegionCommandTests {
    /// A generated 128x128 project (a 16x16 latent) with one 16x16 box layer, 6 steps, made with `extra` options.
    private func project(_ scratch: Scratch, _ extra: [String] = []) throws -> String {
        let project = scratch.path("region.ldbproj")
        let result = try ldb(["new", project, "--model", ProbeCommandTests.model("tiny-sd1"), "--prompt", "a lighthouse",
                              "--seed", "3", "--size", "128x128", "--steps", "6"] + extra)
        try #require(result.succeeded, "new failed: \(result.stderr)")
        try ldbOK("layer", "add", project, "--name", "a", "--prompt", "red", "--box", "16,16,16,16", "--seed", "1",
                  "--regen-steps", "4")
        return project
    }

    private func render(_ project: String, _ scratch: Scratch, _ extra: [String] = []) throws -> [String: Any] {
        let output = scratch.path("out.png")
        let object = try json(ldb(["render", project, "-o", output, "--json"] + extra))
        let result = try #require(object as? [String: Any])
        #expect(result["output"] as? String == output)
        #expect(result["width"] as? Int == 128 && result["height"] as? Int == 128)
        return try #require(result["stats"] as? [String: Any])
    }

    @Test func infoShowsTheRegionModeAndMargin() throws {
        let scratch = try Scratch()
        let project = try project(scratch, ["--region", "crop", "--region-margin", "4"])
        #expect(try ldbOK("info", project).stdout.contains("region    crop, margin 4 latent cells"))
        var info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        #expect(info["region"] as? String == "crop" && info["region_margin"] as? Int == 4)

        try ldbOK("set", project, "--region", "full", "--region-margin", "6")
        #expect(try ldbOK("info", project).stdout.contains("region    full (crop mode's margin 6 latent cells)"))
        info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        #expect(info["region"] as? String == "full" && info["region_margin"] as? Int == 6)
    }

    @Test func renderJSONReportsCellsAndTheRegionFlagsOverrideTheProject() throws {
        let scratch = try Scratch()
        let project = try project(scratch, ["--region", "crop", "--region-margin", "4"])
        let crop = try render(project, scratch)
        // base 6 steps on 16x16, the layer (4 − 2) and the finish 2 on the 8x8 window, guided (batch 2).
        #expect(crop["unet_calls"] as? Int == 6 + 2 + 2)
        #expect(crop["unet_cells"] as? Int == 2 * 6 * 256 + 2 * (2 + 2) * 64)
        // P0 (128x128) and the window (64x64).
        #expect(crop["vae_decoded_pixels"] as? Int == 128 * 128 + 64 * 64)
        let caches = try #require(crop["cache"] as? [String: [String: Int]])
        #expect(caches["base_trajectory"] == ["hits": 0, "misses": 1])
        #expect(caches["layer_results"] == ["hits": 0, "misses": 1])
        #expect(Set((try #require(crop["seconds"] as? [String: Double])).keys)
            == ["model load", "base", "layers", "finish", "decode", "store"])

        let full = try render(project, scratch, ["--region", "full"])
        #expect(full["unet_cells"] as? Int == 2 * (2 + 2) * 256)
        #expect(full["vae_decoded_pixels"] as? Int == 128 * 128)
        // The project's own setting again: cached.
        #expect(try render(project, scratch)["unet_calls"] as? Int == 0)
    }

    @Test func setChangesSettingsInOneRevisionThatUndoes() throws {
        let scratch = try Scratch()
        let project = try project(scratch)
        _ = try render(project, scratch)

        let set = try ldbOK("set", project, "--region", "crop", "--region-margin", "4", "--blend-steps", "3")
        #expect(set.stdout.contains("region full -> crop"))
        #expect(set.stdout.contains("region margin 8 -> 4"))
        #expect(set.stdout.contains("blend steps 2 -> 3"))
        let changed = try render(project, scratch)
        #expect(changed["unet_cells"] as? Int == 2 * (1 + 3) * 64)
        #expect((changed["cache"] as? [String: [String: Int]])?["base_trajectory"] == ["hits": 1, "misses": 0])

        try ldbOK("undo", project)
        #expect(try render(project, scratch)["unet_calls"] as? Int == 0)
        #expect(try ldbOK("set", project, "--blend-steps", "2").stdout.contains("settings unchanged"))
    }

    @Test func setRefusesWhatTheProjectCannotRender() throws {
        let scratch = try Scratch()
        let project = try project(scratch)
        // The layer's n = 4 must stay above B.
        try expectFailure(["set", project, "--blend-steps", "4"], message: "regen steps", unchanged: project,
                          scratch: scratch)
        try expectFailure(["set", project, "--region-margin", "-1"], message: "--region-margin", unchanged: project,
                          scratch: scratch)
        try expectFailure(["set", project, "--region", "window"], message: "region", unchanged: project,
                          scratch: scratch)
    }

    @Test func aPreviewDecoderDecodesTheWindowAndIsNeverServedAsAFullRender() throws {
        let scratch = try Scratch()
        let project = try project(scratch, ["--region", "crop", "--region-margin", "4"])
        let taesd = ProbeCommandTests.fixtures.appendingPathComponent("models/tiny-taesd").path
        let preview = try render(project, scratch, ["--preview-decoder", taesd])
        // The base picture P0 and the 64x64 window, both through the tiny decoder.
        #expect(preview["vae_decoded_pixels"] as? Int == 128 * 128 + 64 * 64)
        // The full render reuses the layer, runs the finish again and decodes P0 and the window with the VAE.
        let full = try render(project, scratch)
        #expect((full["cache"] as? [String: [String: Int]])?["renders"]?["misses"] == 2)
        #expect(full["unet_calls"] as? Int == 2)
        #expect(try render(project, scratch, ["--preview-decoder", taesd])["unet_calls"] as? Int == 0)
    }
}
