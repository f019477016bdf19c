import Foundation
import LDBImage
import Testing

@Suite("ldb layer")
struct LayerCommandTests {
    private func layers(_ project: String) throws -> [[String: Any]] {
        try #require(try json(ldb("layer", "list", project, "--json")) as? [[String: Any]])
    }

    @Test func addStoresEveryParameter() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        let mask = scratch.path("mask.png")
        var bytes = [UInt8](repeating: 0, count: 64 * 48)
        for index in 0..<(64 * 10) { bytes[index] = 255 }
        try Mask(width: 64, height: 48, bytes: bytes).writePNG(to: URL(fileURLWithPath: mask))

        try ldbOK("layer", "add", project, "--name", "hat", "--prompt", "a red hat", "--negative", "blue",
                  "--mask", mask, "--seed", "18446744073709551615", "--regen-steps", "8", "--strength", "0.5",
                  "--guidance", "5", "--opacity", "0.25", "--feather", "1.5", "--invert")
        let layer = try #require(try layers(project).first)
        #expect(layer["name"] as? String == "hat")
        #expect(layer["visible"] as? Bool == true)
        #expect(layer["prompt"] as? String == "a red hat")
        #expect(layer["negative_prompt"] as? String == "blue")
        #expect((layer["seed"] as? NSNumber)?.uint64Value == UInt64.max)
        #expect(layer["regen_steps"] as? Int == 8)
        #expect(layer["strength"] as? Double == 0.5)
        #expect(layer["guidance"] as? Double == 5)
        #expect(layer["opacity"] as? Double == 0.25)
        #expect(layer["feather"] as? Double == 1.5)
        #expect(layer["invert"] as? Bool == true)
        #expect((layer["mask_sha256"] as? String)?.count == 64)
        #expect(layer["id"] is Int)
    }

    @Test func defaultsAndRandomSeeds() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        try ldbOK("layer", "add", project, "--prompt", "a", "--box", "0,0,8,8")
        try ldbOK("layer", "add", project, "--prompt", "b", "--box", "0,0,8,8")
        let stack = try layers(project)
        #expect(stack.map { $0["name"] as? String } == ["layer 1", "layer 2"])
        #expect(stack[0]["strength"] as? Double == 0.7)
        #expect(stack[0]["guidance"] as? Double == 7.5)
        #expect(stack[0]["opacity"] as? Double == 1)
        #expect(stack[0]["regen_steps"] as? Int == 10)
        let seeds = stack.map { ($0["seed"] as? NSNumber)?.uint64Value }
        #expect(seeds[0] != nil && seeds[0] != seeds[1])
        // Same box, same mask blob.
        #expect(stack[0]["mask_sha256"] as? String == stack[1]["mask_sha256"] as? String)
    }

    @Test func setHideShowMoveRemove() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        for name in ["a", "b", "c"] {
            try ldbOK("layer", "add", project, "--name", name, "--prompt", name, "--box", "0,0,16,16", "--seed", "1")
        }
        let set = try ldbOK("layer", "set", project, "b", "--strength", "0.9")
        #expect(set.stdout.contains(#"set strength of "b" 0.7 -> 0.9"#))
        try ldbOK("layer", "set", project, "c", "--box", "8,8,8,8", "--name", "sky", "--no-invert")
        try ldbOK("layer", "hide", project, "a")
        try ldbOK("layer", "move", project, "sky", "--to", "0")
        var stack = try layers(project)
        #expect(stack.map { $0["name"] as? String } == ["sky", "a", "b"])
        #expect(stack[1]["visible"] as? Bool == false)
        #expect(stack[2]["strength"] as? Double == 0.9)
        #expect(stack[0]["mask_sha256"] as? String != stack[2]["mask_sha256"] as? String)

        let id = try #require(stack[1]["id"] as? Int)
        try ldbOK("layer", "show", project, String(id))
        try ldbOK("layer", "rm", project, "b")
        stack = try layers(project)
        #expect(stack.map { $0["name"] as? String } == ["sky", "a"])
        #expect(stack[1]["visible"] as? Bool == true)
        // Ids are stable across moves and edits.
        #expect(stack[1]["id"] as? Int == id)

        let text = try ldbOK("layer", "list", project).stdout
        #expect(text.contains("sky") && text.contains("prompt"))
    }
}
