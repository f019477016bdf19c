import Foundation
import LDBImage
import Testing

@Suite("ldb new")
struct NewCommandTests {
    @Test func generatedProjectRecordsItsSettings() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject(width: 96, height: 64, steps: 12,
                                             extra: ["--negative", "blurry", "--guidance", "6", "--blend-steps", "3"])
        let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        #expect(info["width"] as? Int == 96)
        #expect(info["height"] as? Int == 64)
        #expect(info["steps"] as? Int == 12)
        #expect(info["blend_steps"] as? Int == 3)
        #expect(info["prompt"] as? String == "a house")
        #expect(info["negative_prompt"] as? String == "blurry")
        #expect(info["guidance"] as? Double == 6)
        #expect((info["seed"] as? NSNumber)?.uint64Value == 5)
        #expect((info["layers"] as? [Any])?.isEmpty == true)
    }

    @Test func aMissingSeedIsChosenAndStored() throws {
        let scratch = try Scratch()
        let first = scratch.path("a.ldbproj"), second = scratch.path("b.ldbproj")
        for project in [first, second] {
            try ldbOK("new", project, "--model", scratch.model.path, "--prompt", "x", "--size", "64x64")
        }
        let seeds = try [first, second].map { project in
            let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
            return try #require((info["seed"] as? NSNumber)?.uint64Value)
        }
        #expect(seeds[0] != seeds[1])
        // Stored, not drawn again: reading twice gives the same seed.
        let again = try #require(try json(ldb("info", first, "--json")) as? [String: Any])
        #expect((again["seed"] as? NSNumber)?.uint64Value == seeds[0])
    }

    @Test func imageProjectTakesItsSizeFromThePNG() throws {
        let scratch = try Scratch()
        let source = scratch.path("source.png")
        try RGBImage(width: 40, height: 24, pixels: [UInt8](repeating: 128, count: 40 * 24 * 3))
            .writePNG(to: URL(fileURLWithPath: source))
        let project = scratch.path("photo.ldbproj")
        try ldbOK("new", project, "--model", scratch.model.path, "--image", source)
        let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        #expect(info["width"] as? Int == 40)
        #expect(info["height"] as? Int == 24)
        #expect(info["seed"] is NSNull)
        #expect(info["guidance"] as? Double == 1)
    }

    @Test func refusesBadInput() throws {
        let scratch = try Scratch()
        let project = scratch.path("p.ldbproj")
        let model = scratch.model.path
        try expectFailure(["new", project, "--model", scratch.path("nowhere"), "--prompt", "x"],
                          message: "model not found", unchanged: nil, scratch: scratch)
        try expectFailure(["new", project, "--model", model, "--image", scratch.path("missing.png")],
                          message: "missing.png", unchanged: nil, scratch: scratch)
        let notPNG = scratch.path("not.png")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notPNG))
        try expectFailure(["new", project, "--model", model, "--image", notPNG],
                          message: "not.png", unchanged: nil, scratch: scratch)
        try expectFailure(["new", project, "--model", model, "--prompt", "x", "--size", "4100x64"],
                          message: "at most 4096", unchanged: nil, scratch: scratch)
        try expectFailure(["new", project, "--model", model, "--prompt", "x", "--steps", "2", "--blend-steps", "2"],
                          message: "blend", unchanged: nil, scratch: scratch)
        try expectFailure(["new", project, "--model", model],
                          message: "--prompt", unchanged: nil, scratch: scratch)
        #expect(!FileManager.default.fileExists(atPath: project), "a failed `new` left a file behind")

        let existing = try scratch.newProject("existing.ldbproj")
        try expectFailure(["new", existing, "--model", model, "--prompt", "y", "--size", "64x64"],
                          message: "exists", unchanged: existing, scratch: scratch)
    }
}
