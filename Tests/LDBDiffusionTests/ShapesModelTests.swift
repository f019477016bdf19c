import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// The shapes world's twelve named colors, as `Fixtures/scripts/shapes_world.py` draws them, and the nearest
/// name of a pixel: how the demo model's pictures are judged by measurement.
enum ShapesPalette {
    static let colors: [(name: String, rgb: (Double, Double, Double))] = [
        ("red", (220, 30, 30)), ("orange", (245, 140, 20)), ("yellow", (250, 225, 30)), ("green", (40, 170, 60)),
        ("blue", (40, 80, 220)), ("purple", (140, 50, 180)), ("pink", (245, 130, 190)), ("brown", (120, 75, 35)),
        ("black", (20, 20, 20)), ("white", (245, 245, 245)), ("gray", (128, 128, 128)), ("cyan", (40, 200, 220)),
    ]

    /// The name of the palette color nearest to an RGB value in 0...255.
    static func nearest(_ r: Double, _ g: Double, _ b: Double) -> String {
        colors.min { first, second in
            distance(first.rgb, (r, g, b)) < distance(second.rgb, (r, g, b))
        }!.name
    }

    private static func distance(_ a: (Double, Double, Double), _ b: (Double, Double, Double)) -> Double {
        (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)
    }
}

/// The demo model draws what a caption says: sampled through ldb's own loader and pipeline, the object's
/// dominant color is the caption's for most of a fixed set of prompts (the set `shapes_train.py` reports on).
@Suite struct ShapesModelTests {
    /// Every color once, each with a shape, on a plain background of another color.
    static let prompts: [(prompt: String, color: String, background: String)] = {
        let shapes = ["circle", "square", "triangle", "star", "ring", "stripe"]
        return ShapesPalette.colors.enumerated().map { index, entry in
            let color = entry.name
            let background = ["gray", "black", "white"].contains(color) ? "blue" : "gray"
            let article = "aeiou".contains(color.first!) ? "an" : "a"
            return ("\(article) \(color) \(shapes[index % shapes.count]) on a \(background) background", color, background)
        }
    }()

    @Test func captionColorsMatchTheObjects() throws {
        let pipeline = try StableDiffusionPipeline(model: ModelFolder(url: ModelFolderFixtures.model("shapes")))
        var matches = 0, backgrounds = 0, samples = 0
        var misses: [String] = []
        for (prompt, color, background) in Self.prompts {
            for seed: UInt64 in [0, 1] {
                let trajectory = try pipeline.baseTrajectory(prompt: prompt, guidance: 7.5, seed: seed, steps: 20,
                                                             width: 64, height: 64)
                let image = try pipeline.decode(latent: try #require(trajectory.last))
                let found = Self.pictureColors(image)
                samples += 1
                if found.background == background { backgrounds += 1 }
                if found.object == color { matches += 1 } else { misses.append("\(prompt) (seed \(seed)): \(found.object ?? "none")") }
            }
        }
        let rate = Double(matches) / Double(samples)
        print("shapes model: object color matched in \(matches) of \(samples) samples (\(rate)), background in "
              + "\(backgrounds); misses: \(misses)")
        #expect(rate >= 0.75, "object color matched in only \(matches) of \(samples): \(misses)")
    }

    /// The most frequent palette name of a picture (its background, whatever the caption asked for) and the most
    /// frequent among the other pixels (the object's region), as `shapes_train.py`'s `picture_colors`.
    static func pictureColors(_ image: Tensor) -> (background: String, object: String?) {
        let values = image.scalars
        let plane = image.shape[2] * image.shape[3]
        func byte(_ value: Float) -> Double { (Double(min(max(value / 2 + 0.5, 0), 1)) * 255).rounded() }
        var counts: [String: Int] = [:]
        for index in 0..<plane {
            counts[ShapesPalette.nearest(byte(values[index]), byte(values[plane + index]), byte(values[2 * plane + index])), default: 0] += 1
        }
        let ranked = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        return (ranked[0].key, ranked.count > 1 ? ranked[1].key : nil)
    }
}
