import Foundation
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor
import Testing

/// Region mode against `Fixtures/ldb/region/tiny-sd1-region.safetensors`, an independent implementation of
/// docs/algorithm.md, "Region mode", on diffusers (`Fixtures/scripts/ldb_reference.py region`): 128 × 128 pixels
/// (a 16 × 16 latent, u = 4), margin 4, two overlapping soft layers and a box in a corner, every window partial.
@Suite struct RegionParityTests {
    static let layers = ["R1", "R2", "R3"]

    @Test func engineMatchesTheReference() throws {
        let reference = try ParityTests.Case("region/tiny-sd1-region")
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var (settings, _) = try reference.settings()
        settings.region = .crop
        settings.regionMargin = try reference.value("region_margin")
        let project = try EngineFixtures.project(
            in: folder, settings: settings,
            model: EngineFixtures.fixtures.appendingPathComponent(reference.text("model")))
        try project.commit("add R1, R2 and R3") { state, context in
            state.layers = try Self.layers.map { try reference.layer($0, context) }
        }
        let engine = try Engine.open(project: project)

        for (index, latent) in try engine.baseTrajectory().enumerated() {
            try reference.expectClose(latent, "Z\(index)")
        }
        for layer in try project.state().layers {
            let mask = try engine.latentMask(for: layer)
            try reference.expectClose(Tensor(shape: [1, 1, mask.height, mask.width], scalars: mask.values),
                                      "mask_\(layer.name)")
            try reference.expectClose(engine.layerResult(layer), "R_\(layer.name)")
        }

        try reference.expectClose(engine.composite(), "composite_R1_R2_R3")
        let all = try engine.render(keepBackground: false)
        try expectFinal(all, reference, "R1_R2_R3")

        try project.commit("hide R3") { state in state.layers[try state.layerIndex("R3")].visible = false }
        try reference.expectClose(engine.composite(), "composite_R1_R2")
        let twoLayers = try engine.render(keepBackground: false)
        try expectFinal(twoLayers, reference, "R1_R2")
        #expect(twoLayers.stats.misses(.layerResult) == 0)
        // The finish ran on the 12 × 12 window around R1 and R2 alone: B guided steps of 2 × 144 cells.
        #expect(twoLayers.stats.unetCells == 2 * 2 * 144)
        #expect(twoLayers.stats.vaeDecodedPixels == 96 * 96)
    }

    private func expectFinal(_ result: RenderResult, _ reference: ParityTests.Case, _ suffix: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        try reference.expectClose(result.latent, "final_\(suffix)", sourceLocation: sourceLocation)
        let pixels = try reference.file.tensor("pixels_\(suffix)")
        let plane = result.image.width * result.image.height
        var largest = 0
        for index in 0..<plane {
            for channel in 0..<3 {
                let expected = Int((pixels.scalars[channel * plane + index] * 255).rounded(.toNearestOrEven))
                largest = max(largest, abs(Int(result.image.pixels[index * 3 + channel]) - expected))
            }
        }
        #expect(largest <= 1, "pixels_\(suffix): largest difference \(largest)", sourceLocation: sourceLocation)
    }
}
