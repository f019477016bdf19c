import Foundation
import LDBImage
import Testing

/// The demo model through `ldb`: it passes `model inspect` as any diffusers folder does, and under LDB a layer
/// "a yellow star" over a box makes that box yellower while the pixels far from the box stay close to the base.
@Suite("the shapes model through ldb")
struct ShapesModelCommandTests {
    /// The box of the layer, x, y, width, height.
    static let box = (x: 34, y: 2, width: 28, height: 28)

    @Test func theModelFolderPassesInspect() throws {
        let result = try ldbOK("model", "inspect", "--model", ProbeCommandTests.model("shapes"))
        #expect(result.stdout.contains("SD 1.x"))
        #expect(result.stdout.contains("epsilon"))
        // Every component is stored in half precision.
        #expect(result.stdout.split(separator: "\n").filter { $0.contains("parameters") }.allSatisfy { $0.contains("F16") })
    }

    @Test func aYellowStarLayerPaintsItsBoxAndLeavesTheRestAlone() throws {
        let scratch = try Scratch()
        let project = scratch.path("stars.ldbproj"), base = scratch.path("base.png"), edited = scratch.path("edited.png")
        try ldbOK("new", project, "--model", ProbeCommandTests.model("shapes"),
                  "--prompt", "a red circle on a blue sky over green grass", "--seed", "3", "--size", "64x64",
                  "--steps", "20")
        try ldbOK("render", project, "-o", base)
        let box = Self.box
        try ldbOK("layer", "add", project, "--name", "star", "--prompt", "a yellow star",
                  "--box", "\(box.x),\(box.y),\(box.width),\(box.height)", "--seed", "7",
                  "--regen-steps", "16", "--strength", "1")
        try ldbOK("render", project, "-o", edited)

        let before = try RGBImage(png: URL(fileURLWithPath: base))
        let after = try RGBImage(png: URL(fileURLWithPath: edited))
        let inside = { (x: Int, y: Int) in
            x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height
        }
        // Far: at least 12 pixels from the box in one direction, beyond the blur of the last steps.
        let far = { (x: Int, y: Int) in
            x < box.x - 12 || y >= box.y + box.height + 12
        }
        let yellowBefore = Self.fraction(of: "yellow", in: before, where: inside)
        let yellowAfter = Self.fraction(of: "yellow", in: after, where: inside)
        var difference = 0.0, count = 0
        for y in 0..<64 {
            for x in 0..<64 where far(x, y) {
                for channel in 0..<3 {
                    let index = (y * 64 + x) * 3 + channel
                    difference += abs(Double(after.pixels[index]) - Double(before.pixels[index]))
                }
                count += 3
            }
        }
        let meanDifference = difference / Double(count)
        print("shapes layer: yellow fraction in the box \(yellowBefore) -> \(yellowAfter); "
              + "mean |difference| far from the box \(meanDifference) of 255")
        #expect(yellowAfter >= yellowBefore + 0.15, "yellow in the box: \(yellowBefore) -> \(yellowAfter)")
        #expect(meanDifference < 8, "far from the box the picture changed by \(meanDifference) of 255 on average")
    }

    /// The fraction of the pixels selected by `region` whose nearest shapes-world color is `name`.
    static func fraction(of name: String, in image: RGBImage, where region: (Int, Int) -> Bool) -> Double {
        var hits = 0, total = 0
        for y in 0..<image.height {
            for x in 0..<image.width where region(x, y) {
                let index = (y * image.width + x) * 3
                let pixel = (Double(image.pixels[index]), Double(image.pixels[index + 1]), Double(image.pixels[index + 2]))
                if nearestColor(pixel) == name { hits += 1 }
                total += 1
            }
        }
        return Double(hits) / Double(max(total, 1))
    }

    /// The shapes world's twelve named colors, as `Fixtures/scripts/shapes_world.py` draws them.
    static let palette: [(String, (Double, Double, Double))] = [
        ("red", (220, 30, 30)), ("orange", (245, 140, 20)), ("yellow", (250, 225, 30)), ("green", (40, 170, 60)),
        ("blue", (40, 80, 220)), ("purple", (140, 50, 180)), ("pink", (245, 130, 190)), ("brown", (120, 75, 35)),
        ("black", (20, 20, 20)), ("white", (245, 245, 245)), ("gray", (128, 128, 128)), ("cyan", (40, 200, 220)),
    ]

    static func nearestColor(_ pixel: (Double, Double, Double)) -> String {
        func distance(_ color: (Double, Double, Double)) -> Double {
            (color.0 - pixel.0) * (color.0 - pixel.0) + (color.1 - pixel.1) * (color.1 - pixel.1)
                + (color.2 - pixel.2) * (color.2 - pixel.2)
        }
        return palette.min { distance($0.1) < distance($1.1) }!.0
    }
}
