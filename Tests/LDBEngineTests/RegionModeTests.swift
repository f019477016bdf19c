import Foundation
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor
import Testing

/// Region mode (docs/algorithm.md, "Region mode"): what its windows cost, and that windows covering the latent
/// give full mode's numbers.
@Suite struct RegionModeTests {
    /// 128 × 128 pixels: a 16 × 16 latent on which tiny-sd1's windows (multiples of u = 4) can be partial.
    static func settings(region: RegionMode, margin: Int = 4) -> ProjectSettings {
        ProjectSettings(width: 128, height: 128, steps: 6, blendSteps: 2, prompt: "a watercolor lighthouse",
                        negativePrompt: "blurry", guidance: 7.5, seed: 1234, region: region, regionMargin: margin)
    }

    /// A 16 × 16 box at (16, 16): latent cells [2, 4) in both directions.
    static func addBox(_ project: Project) throws {
        try EngineFixtures.addLayer(project, "box", prompt: "a red roof", seed: 11, regenSteps: 5,
                                    mask: EngineFixtures.box(x: 16, y: 16, w: 16, h: 16, width: 128, height: 128))
    }

    @Test func windowsCoveringTheLatentGiveFullModesNumbers() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = try EngineFixtures.project(in: folder, name: "full.ldbproj", settings: Self.settings(region: .full))
        let crop = try EngineFixtures.project(in: folder, name: "crop.ldbproj",
                                              settings: Self.settings(region: .crop, margin: 16))
        for project in [full, crop] {
            try Self.addBox(project)
            try EngineFixtures.addLayer(project, "disk", prompt: "a starry sky", seed: 22, regenSteps: 4,
                                        mask: EngineFixtures.box(x: 40, y: 24, w: 30, h: 20, width: 128, height: 128)) {
                $0.feather = 3
                $0.opacity = 0.8
            }
        }
        let fullEngine = try EngineFixtures.engine(full)
        let cropEngine = try EngineFixtures.engine(crop)
        for (fullLayer, cropLayer) in zip(try full.state().layers, try crop.state().layers) {
            #expect(try cropEngine.layerResult(cropLayer) == fullEngine.layerResult(fullLayer))
        }
        let fullResult = try fullEngine.render(keepBackground: false)
        let cropResult = try cropEngine.render(keepBackground: false)
        // A window of the whole latent costs what full mode costs.
        #expect(cropResult.stats.unetCells == fullResult.stats.unetCells)

        // L = Z[N] + w (F − Z[N]) equals F where w = 1, that is on the layers' cells S.
        var support = [Bool](repeating: false, count: 16 * 16)
        for layer in try crop.state().layers {
            for (index, value) in try cropEngine.latentMask(for: layer).values.enumerated() where value > 0 {
                support[index] = true
            }
        }
        var largest: Float = 0
        for (index, (ours, theirs)) in zip(cropResult.latent.scalars, fullResult.latent.scalars).enumerated()
        where support[index % 256] {
            largest = max(largest, abs(ours - theirs))
        }
        #expect(largest <= 1e-5 * max(1, fullResult.latent.scalars.map(abs).max() ?? 0))
        #expect(cropResult.latent != fullResult.latent, "outside S the weight blends towards Z[N]")
    }

    @Test func aLayerCostsItsWindowAndTheFinishItsUnion() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder, settings: Self.settings(region: .crop))
        let engine = try EngineFixtures.engine(project)
        _ = try engine.render()
        try Self.addBox(project)

        // Cells [2, 4) grown by 4 and clipped: [0, 8), a multiple of 4. The layer runs n − B = 3 guided steps on
        // 8 × 8 cells, the finish B = 2 on the same window, the decoder makes the window's 64 × 64 pixels.
        let edited = try engine.render()
        #expect(edited.stats.unetCells == 2 * (3 + 2) * 64)
        #expect(edited.stats.unetCalls == 3 + 2)
        #expect(edited.stats.vaeDecodedPixels == 64 * 64)
        #expect(edited.stats.hits(.baseTrajectory) == 1)

        // Outside the window the picture is the base picture.
        let base = try EngineFixtures.engine(project).render(state: ProjectState(settings: Self.settings(region: .crop)))
        for y in 64..<128 {
            for x in 0..<128 {
                let index = (y * 128 + x) * 3
                #expect(Array(edited.image.pixels[index..<(index + 3)]) == Array(base.image.pixels[index..<(index + 3)]))
            }
        }

        // The same edit in full mode: the whole 16 × 16 latent and picture.
        let full = try engine.render(state: nil, region: .full)
        #expect(full.stats.unetCells == 2 * (3 + 2) * 256)
        #expect(full.stats.vaeDecodedPixels == 128 * 128)
        #expect(full.stats.hits(.baseTrajectory) == 1)
    }

    @Test func theMarginIsPartOfTheKeys() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder, settings: Self.settings(region: .crop))
        try Self.addBox(project)
        let engine = try EngineFixtures.engine(project)
        let first = try engine.render()
        #expect(first.stats.misses(.layerResult) == 1)
        let wider = try engine.render(state: nil, region: RegionSetting(mode: .crop, margin: 6))
        #expect(wider.stats.misses(.layerResult) == 1 && wider.stats.misses(.render) == 1)
        #expect(wider.stats.hits(.baseTrajectory) == 1)
        #expect(try engine.render().stats == RenderStats(cacheHits: [.render: 1]))
    }

    @Test func aLayerWithAnEmptyMaskIsSkipped() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for region in RegionMode.allCases {
            let project = try EngineFixtures.project(in: folder, name: "\(region).ldbproj",
                                                     settings: Self.settings(region: region))
            try EngineFixtures.addLayer(project, "nothing", prompt: "a red roof", seed: 11, regenSteps: 5,
                                        mask: Mask(width: 128, height: 128, bytes: [UInt8](repeating: 0, count: 128 * 128)))
            let result = try EngineFixtures.engine(project).render()
            #expect(result.stats.layersSkipped == 1, "\(region)")
            #expect(result.stats.misses(.layerResult) == 0, "\(region)")
            // Full mode still runs the B finish steps; crop mode has nothing to finish.
            #expect(result.stats.unetCalls == 6 + (region == .full ? 2 : 0), "\(region)")
        }
    }
}
