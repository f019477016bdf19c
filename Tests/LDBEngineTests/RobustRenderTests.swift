import Foundation
import LDBDocument
import LDBEngine
import Testing

/// Renders that are interrupted or given numbers the networks cannot use keep the project sound.
@Suite struct RobustRenderTests {
    @Test func anInterruptedBaseResumesFromItsFinishedSteps() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)

        // The 5th question comes before the base's 5th step: 4 steps are done and kept.
        let countdown = CancellationTests.Countdown(cancelAt: 5)
        #expect(throws: EngineError.cancelled) { try engine.render(isCancelled: { countdown.isCancelled() }) }
        #expect(engine.pipeline.evaluations.calls == 4)

        let resumed = try engine.render()
        #expect(resumed.stats == .guided(2 + 2 + 3 + 2, decodes: 1, misses: [.baseTrajectory: 1, .layerResult: 2,
                                                                            .render: 1]))
        // The same numbers as a render that was never interrupted.
        let other = try EngineFixtures.project(in: folder, name: "other.ldbproj")
        try EngineFixtures.addTwoLayers(other)
        #expect(try EngineFixtures.engine(other).render().latent == resumed.latent)
    }

    @Test func valuesInfiniteAsFloatsAreRefusedBeforeAnyWork() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        try EngineFixtures.editLayer(project, "roof") { $0.strength = 1e39 }
        let engine = try EngineFixtures.engine(project)
        #expect(throws: EngineError.notFiniteAsFloat(name: "layer 'roof' strength", value: 1e39)) {
            try engine.render()
        }
        #expect(engine.pipeline.evaluations.calls == 0)
    }

    @Test func aLatentThatOverflowsFailsAndCachesNothingOfIt() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        // Finite as a Float, but eps_u + g (eps_c − eps_u) overflows.
        try EngineFixtures.editLayer(project, "sky") { $0.guidance = 3e38 }
        let engine = try EngineFixtures.engine(project)
        #expect(throws: EngineError.notFinite("layer 'sky'")) { try engine.render() }
        // The base and the roof layer were cached; the sky layer was not: trying again runs its 3 steps again.
        let before = engine.pipeline.evaluations.calls
        #expect(throws: EngineError.notFinite("layer 'sky'")) { try engine.render() }
        #expect(engine.pipeline.evaluations.calls - before == 3)
    }
}
