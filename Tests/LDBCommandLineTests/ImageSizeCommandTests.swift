import Foundation
import LDBImage
import Testing

/// Pictures of any size (docs/algorithm.md, "Image sizes and padding"): accepted by `ldb new` and rendered at
/// exactly their size.
@Suite("Image sizes")
struct ImageSizeCommandTests {
    @Test func anOddSizedPNGRendersAtItsSizeWithALayer() throws {
        let scratch = try Scratch()
        let source = scratch.path("odd.png")
        var pixels: [UInt8] = []
        for y in 0..<47 {
            for x in 0..<61 { pixels += [UInt8(x * 4), UInt8(y * 5), 90] }
        }
        try RGBImage(width: 61, height: 47, pixels: pixels).writePNG(to: URL(fileURLWithPath: source))
        let project = scratch.path("odd.ldbproj")
        try ldbOK("new", project, "--model", scratch.model.path, "--image", source, "--steps", "4")
        // A mask at the picture's size, reaching its right and bottom borders.
        let mask = scratch.path("mask.png")
        try Mask.rectangle(width: 61, height: 47, x: 45, y: 35, w: 16, h: 12).writePNG(to: URL(fileURLWithPath: mask))
        try ldbOK("layer", "add", project, "--name", "corner", "--prompt", "red", "--mask", mask, "--seed", "1",
                  "--regen-steps", "3")
        let output = scratch.path("out.png")
        try ldbOK("render", project, "-o", output)
        let picture = try RGBImage(png: URL(fileURLWithPath: output))
        #expect((picture.width, picture.height) == (61, 47))
        // Keep-background is a real-image project's default: more than f + 3f = 32 pixels from the mask the photo
        // stays, up to the border.
        for (x, y) in [(0, 0), (60, 0), (0, 46), (12, 46)] {
            let index = (y * 61 + x) * 3
            #expect(Array(picture.pixels[index..<index + 3]) == Array(pixels[index..<index + 3]), "pixel (\(x), \(y))")
        }
    }

    @Test func aGeneratedProjectTakesAnySize() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject(width: 37, height: 9, steps: 4)
        let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        #expect(info["width"] as? Int == 37)
        #expect(info["height"] as? Int == 9)
        try ldbOK("layer", "add", project, "--name", "a", "--prompt", "red", "--box", "30,0,7,9", "--seed", "1",
                  "--regen-steps", "3")
        for region in ["full", "crop"] {
            let output = scratch.path("\(region).png")
            try ldbOK("render", project, "-o", output, "--region", region)
            let picture = try RGBImage(png: URL(fileURLWithPath: output))
            #expect((picture.width, picture.height) == (37, 9), "\(region)")
        }
    }
}
