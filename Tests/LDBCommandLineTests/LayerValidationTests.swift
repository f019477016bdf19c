import Foundation
import LDBImage
import Testing

/// Every refused edit leaves the document byte for byte as it was.
@Suite("ldb layer: bad input")
struct LayerValidationTests {
    @Test func parametersOutOfRange() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject(steps: 20)  // blend steps 2: regen steps must be in 3...20
        try ldbOK("layer", "add", project, "--name", "hat", "--prompt", "hat", "--box", "0,0,8,8")
        let add = ["layer", "add", project, "--prompt", "p", "--box", "0,0,8,8"]
        try expectFailure(add + ["--regen-steps", "2"], message: "regen", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--regen-steps", "21"], message: "regen", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--strength", "-0.1"], message: "strength", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--opacity", "1.5"], message: "opacity", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--opacity", "-1"], message: "opacity", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--feather", "-2"], message: "feather", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--guidance", "nan"], message: "guidance", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--name", "hat"], message: "hat", unchanged: project, scratch: scratch)
        try expectFailure(["layer", "set", project, "hat", "--regen-steps", "1"],
                          message: "regen", unchanged: project, scratch: scratch)
    }

    @Test func regionsMustFitTheImage() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject(width: 64, height: 48)
        let add = ["layer", "add", project, "--prompt", "p"]
        try expectFailure(add + ["--box", "60,0,8,8"], message: "does not fit", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--box", "0,0,0,8"], message: "positive width", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--box", "1,2,3"], message: "box", unchanged: project, scratch: scratch)
        try expectFailure(add, message: "--mask", unchanged: project, scratch: scratch)

        let wrongSize = scratch.path("wrong.png")
        try Mask(width: 32, height: 48, bytes: [UInt8](repeating: 255, count: 32 * 48))
            .writePNG(to: URL(fileURLWithPath: wrongSize))
        try expectFailure(add + ["--mask", wrongSize], message: "32x48", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--mask", scratch.path("absent.png")],
                          message: "absent.png", unchanged: project, scratch: scratch)
        let truncated = scratch.path("truncated.png")
        let full = scratch.path("full.png")
        try Mask(width: 64, height: 48, bytes: (0..<(64 * 48)).map { UInt8($0 % 251) })
            .writePNG(to: URL(fileURLWithPath: full))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: full))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        try expectFailure(add + ["--mask", truncated], message: "truncated.png", unchanged: project, scratch: scratch)
        try expectFailure(add + ["--mask", full, "--box", "0,0,8,8"],
                          message: "not both", unchanged: project, scratch: scratch)
    }

    @Test func unknownLayersAndPlaces() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        try ldbOK("layer", "add", project, "--name", "a", "--prompt", "a", "--box", "0,0,8,8")
        for command in [["layer", "set", project, "ghost", "--strength", "1"], ["layer", "hide", project, "ghost"],
                        ["layer", "rm", project, "ghost"], ["layer", "move", project, "ghost", "--to", "0"],
                        ["layer", "show", project, "999"]] {
            try expectFailure(command, message: "no layer", unchanged: project, scratch: scratch)
        }
        try expectFailure(["layer", "move", project, "a", "--to", "3"],
                          message: "outside", unchanged: project, scratch: scratch)
    }
}
