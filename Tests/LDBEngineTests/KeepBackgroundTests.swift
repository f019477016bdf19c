import Foundation
import LDBDocument
import LDBEngine
import LDBImage
import Testing

/// Keep-background (docs/algorithm.md, "Composite and finish"): outside the union of the visible masks, dilated by f = 8 and feathered by f
/// pixels, the output is the base image. A 16 × 16 box at the origin reaches 8 + 3 × 8 = 32 pixels further,
/// so every pixel with x >= 48 or y >= 48 must be the base's exactly.
@Suite struct KeepBackgroundTests {
    static func farFromTheBox(_ image: RGBImage) -> [UInt8] {
        var pixels: [UInt8] = []
        for y in 0..<image.height {
            for x in 0..<image.width where x >= 48 || y >= 48 {
                let index = (y * image.width + x) * 3
                pixels.append(contentsOf: image.pixels[index..<(index + 3)])
            }
        }
        return pixels
    }

    @Test func aGeneratedProjectKeepsTheDecodedBase() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 5,
                                    mask: EngineFixtures.box(x: 0, y: 0, w: 16, h: 16)) { $0.strength = 1 }
        let engine = try EngineFixtures.engine(project)
        let plain = try engine.render(keepBackground: false)
        let kept = try engine.render(keepBackground: true)
        #expect(kept.stats == .guided(2, decodes: 2, hits: [.baseTrajectory: 1, .layerResult: 1],
                                      misses: [.render: 2]))
        #expect(kept.latent == plain.latent)

        try EngineFixtures.editLayer(project, "roof") { $0.visible = false }
        let base = try engine.render(keepBackground: false).image
        #expect(Self.farFromTheBox(kept.image) == Self.farFromTheBox(base))
        // Without keep-background the finish steps change those pixels too.
        #expect(Self.farFromTheBox(plain.image) != Self.farFromTheBox(base))

        // The project's setting is the default.
        try project.commit("keep background") { $0.settings.keepBackground = true }
        try EngineFixtures.editLayer(project, "roof") { $0.visible = true }
        let byDefault = try engine.render()
        #expect(byDefault.stats == .guided(0, decodes: 0, hits: [.render: 1]))
        #expect(byDefault.image == kept.image)
    }

    @Test func aRealImageProjectKeepsTheSourcePixels() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sourceURL = EngineFixtures.fixtures.appendingPathComponent("reference/tiny-sd2/invert_image.png")
        let source = try RGBImage(png: sourceURL)
        let settings = ProjectSettings(width: 96, height: 64, steps: 6, blendSteps: 2, prompt: "a photo", guidance: 1)
        let project = try EngineFixtures.project(in: folder, settings: settings, model: EngineFixtures.model("tiny-sd2"),
                                                 sourceImagePNG: Data(contentsOf: sourceURL))
        try EngineFixtures.addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: EngineFixtures.box(x: 0, y: 0, w: 16, h: 16, width: 96, height: 64))
        let engine = try EngineFixtures.engine(project)

        let kept = try engine.render(keepBackground: true)
        // Inversion: 6 unguided steps; the layer: 2 guided; the finish with g0 = 1: 2 unguided.
        #expect(kept.stats.unetCalls == 10)
        #expect(kept.stats.unetSamples == 6 + 4 + 2)
        #expect(kept.stats.vaeEncodes == 1)
        #expect(kept.stats.vaeDecodes == 1)
        #expect(Self.farFromTheBox(kept.image) == Self.farFromTheBox(source))

        let plain = try engine.render(keepBackground: false)
        #expect(plain.stats.vaeEncodes == 0)
        #expect(plain.stats.unetCalls == 2)
        #expect(Self.farFromTheBox(plain.image) != Self.farFromTheBox(source))
    }
}
