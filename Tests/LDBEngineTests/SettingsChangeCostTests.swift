import Foundation
import LDBDocument
import LDBEngine
import Testing

/// What a change of the project's settings (`ldb set`) recomputes: exactly what depends on it.
@Suite struct SettingsChangeCostTests {
    @Test(arguments: [
        // (setting, base trajectory recomputed, layers recomputed, render-kind misses: the render, and the base
        // picture that keep-background and crop mode blend with, decoded once per base)
        ("blend steps", false, true, 1), ("keep-background", false, false, 2), ("region", false, true, 2),
        ("region margin in full mode", false, false, 0), ("guidance", true, true, 1), ("prompt", true, true, 1),
        ("steps", true, true, 1),
    ])
    func aChangeRecomputesWhatDependsOnIt(setting: String, base: Bool, layers: Bool, renders: Int) throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        _ = try engine.render()

        try project.commit("set \(setting)") { state in
            switch setting {
            case "blend steps": state.settings.blendSteps = 3
            case "keep-background": state.settings.keepBackground = true
            case "region": state.settings.region = .crop
            case "region margin in full mode": state.settings.regionMargin = 2
            case "guidance": state.settings.guidance = 5
            case "prompt": state.settings.prompt = "a lighthouse at night"
            default: state.settings.steps = 7
            }
        }
        let changed = try engine.render()
        #expect(changed.stats.misses(.baseTrajectory) == (base ? 1 : 0))
        #expect(changed.stats.misses(.layerResult) == (layers ? 2 : 0))
        #expect(changed.stats.misses(.render) == renders)
        if setting == "region margin in full mode" {
            // Full mode does not use the margin: the render is the one already cached.
            #expect(changed.stats == RenderStats(cacheHits: [.render: 1]))
        }

        // Undo returns to the first render, cached.
        _ = try project.undo()
        #expect(try engine.render().stats == RenderStats(cacheHits: [.render: 1]))
    }
}
